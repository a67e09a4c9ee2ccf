import ArgumentParser
import ExperimentCLI
import ExperimentKit
import Foundation
import Smoke2D

/// `smoke2d`: the paper's smoke experiment: the shared subcommands; the simulator and the data set (`simulate`,
/// `generate`, `stats`); and `evaluate --states`, every trained model on smoke states of your own.
@main
struct Smoke2DCommand: ParsableCommand {
    static let configuration = ExperimentCommand<SmokeExperiment>.configuration(extra: [Simulate.self, Generate.self, Stats.self],
                                                                                evaluate: Evaluate.self)
    static func main() { mainSelectingBLASKernel() }
}

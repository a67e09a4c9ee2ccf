import ArgumentParser
import ExperimentCLI
import ExperimentKit
import Foundation

/// `smoke2d`: the paper's 2-D smoke experiment (Sec. 5.2): the simulator, the data set, the eight models, Table 1 (smoke column), Figures 5 and 6.
@main
struct Smoke2DCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "smoke2d",
        abstract: "The 2-D smoke-plume experiment of 'Approximately Equivariant Neural Processes' (Sec. 5.2).",
        subcommands: [Simulate.self, Generate.self, Stats.self, Figure5.self, TargetsCommand<SmokeOptions>.self, BuildCommand<SmokeOptions>.self, All.self, RunsCommand<SmokeOptions>.self, Train.self, Evaluate.self])

    static func main() { mainSelectingBLASKernel() }
}

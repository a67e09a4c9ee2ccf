import ArgumentParser
import ExperimentCLI
import ExperimentKit
import Foundation
import Gibbs1D

/// `gibbs1d`: the paper's 1-D Gibbs-GP experiment: the shared subcommands, and `ground-truth`.
@main
struct Gibbs1DCommand: ParsableCommand {
    static let configuration = ExperimentCommand<Gibbs1DExperiment>.configuration(extra: [GroundTruthCommand.self])
    static func main() { mainSelectingBLASKernel() }
}

struct GroundTruthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ground-truth",
        abstract: "The exact predictor's context-set log-likelihood under both kernel readings, next to the paper's 0.2806 ± 0.0005.")
    @OptionGroup var options: SharedOptions<Gibbs1DExperiment>
    func run() throws {
        let gt = try options.experiment().groundTruth()
        for (k, v) in gt.contextSet.sorted(by: { $0.key < $1.key }) {
            print(String(format: "%-20@ context-set log-likelihood %.4f ± %.4f (%d tasks)", k, v.mean, v.standardError, v.count))
        }
        print(String(format: "%-20@ context-set log-likelihood %.4f ± %.4f", "paper", GroundTruthMetrics.paperContextValue, GroundTruthMetrics.paperContextError))
    }
}

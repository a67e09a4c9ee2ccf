import ArgumentParser
import ExperimentKit
import Foundation

/// `smoke2d`: the paper's 2-D smoke experiment (Sec. 5.2): the simulator, the data set, the eight models, Table 1 (smoke column), Figures 5 and 6.
@main
struct Smoke2DCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "smoke2d",
        abstract: "The 2-D smoke-plume experiment of 'Approximately Equivariant Neural Processes' (Sec. 5.2).",
        subcommands: [Simulate.self, Generate.self, Stats.self, Figure5.self, Targets.self, Build.self, All.self, Runs.self, Train.self, Evaluate.self])

    static func main() {
        BLASKernelSelection.reexecIfNeeded()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withError: error)
        }
    }
}

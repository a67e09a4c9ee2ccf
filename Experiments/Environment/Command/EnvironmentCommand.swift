import ArgumentParser
import Environment
import ExperimentCLI
import ExperimentKit
import Foundation

/// `environment`: the environmental experiment on Colorado station temperatures: the shared subcommands, and
/// `bench` (seconds per training step of every model).
@main
struct EnvironmentCommand: ParsableCommand {
    static let configuration = ExperimentCommand<EnvironmentExperiment>.configuration(extra: [Bench.self])
    static func main() { mainSelectingBLASKernel() }
}

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Seconds per training step of every model at the scale, on real training batches.")
    @OptionGroup var options: SharedOptions<EnvironmentExperiment>
    @Option(help: "Timed steps per model (after one warm-up step), 1…1000.") var steps: Int = 3
    func validate() throws { try OptionRange.check(steps, in: 1...1_000, "--steps") }
    func run() throws {
        for (label, s) in try options.experiment().stepTimes(steps: steps) { print(String(format: "%-40@ %8.1f ms/step", label, s * 1000)) }
    }
}

import ArgumentParser
import ExperimentKit
import Foundation
import Smoke2D
import SmokeSim

/// The options every experiment CLI shares (`reproduce.sh` passes them): scale, output root, results cache.
struct ExperimentOptions: ParsableArguments {
    @Option(help: "ci, quick or paper.") var scale: String = "quick"
    @Option(help: "Where figures/ and tables/ are written (default: . for quick, outputs/<scale> otherwise).") var out: String?
    @Option(help: "Cache of runs and metrics (unused until the smoke models exist).") var results: String = "results"
    @Flag(help: "No progress output.") var quiet = false

    func experiment() throws -> SmokeExperiment {
        let s = try SmokeDataScale.named(scale)
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let root = out.map { URL(fileURLWithPath: $0, relativeTo: cwd) }
            ?? (scale == "quick" ? cwd : cwd.appendingPathComponent("outputs").appendingPathComponent(scale))
        let e = SmokeExperiment(scale: s, outputRoot: root.standardizedFileURL)
        e.quiet = quiet
        return e
    }
}

struct Targets: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List this experiment's outputs, tab-separated: target, paper item, needs, state (exists/missing), files.")
    @OptionGroup var common: ExperimentOptions
    func run() throws { for line in try common.experiment().targetTable() { print(line) } }
}

struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Build outputs by target name (see `targets`).")
    @OptionGroup var common: ExperimentOptions
    @Argument(help: "Targets, e.g. figure5.") var targets: [String]
    func run() throws {
        try common.experiment().build(targets: targets)
    }
}

struct All: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Every output of the experiment.")
    @OptionGroup var common: ExperimentOptions
    func run() throws {
        try common.experiment().buildAll()
    }
}

struct Runs: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List every training run, one shell command per line (none yet).")
    @OptionGroup var common: ExperimentOptions
    @Flag(help: "Only runs that are not finished.") var missing = false
    @Flag(help: "Print status and key instead of commands.") var status = false
    func run() throws {
        for line in try common.experiment().runLines(missing: missing, status: status) { print(line) }
    }
}

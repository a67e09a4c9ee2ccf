import ArgumentParser
import ExperimentCLI
import ExperimentKit
import Foundation
import Smoke2D
import SmokeSim

/// The options every experiment CLI shares (`reproduce.sh` passes them): scale, output root, results cache.
struct SmokeOptions: ExperimentOptions {
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



struct All: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Every output of the experiment.")
    @OptionGroup var common: SmokeOptions
    func run() throws {
        try common.experiment().buildAll()
    }
}


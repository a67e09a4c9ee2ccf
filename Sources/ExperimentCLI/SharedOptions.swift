import ArgumentParser
import ExperimentKit
import Foundation

/// The options every experiment's subcommands share, then the experiment's own.
public struct SharedOptions<E: CommandLineExperiment>: ParsableArguments {
    @Option(help: ArgumentHelp("The budget: \(E.scales.map(\.rawValue).joined(separator: ", ")) (see --help of the command).", valueName: "scale"))
    public var scale: ScaleName = .quick
    @Option(help: ArgumentHelp("Cache of training runs and metrics.", valueName: "folder"))
    public var results: String = "results"
    @Option(help: ArgumentHelp("Where figures/ and tables/ are written (default: outputs/<scale>).", valueName: "folder"))
    public var out: String?
    @Flag(help: "No progress messages.")
    public var quiet = false
    @OptionGroup public var own: E.Options

    public init() {}

    public func validate() throws {
        guard E.scales.contains(scale) else {
            throw ValidationError("\(E.name) has no scale '\(scale)'; choose \(E.scales.map(\.rawValue).joined(separator: ", "))")
        }
    }

    /// The experiment these options describe, with paths relative to the current directory.
    public func experiment() throws -> E {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let outputRoot = (out.map { URL(fileURLWithPath: $0, relativeTo: cwd) } ?? scale.defaultOutputRoot(in: cwd)).standardizedFileURL
        let e = try E(scale: scale, options: own, resultsRoot: URL(fileURLWithPath: results, relativeTo: cwd).standardizedFileURL,
                      outputRoot: outputRoot)
        e.quiet = quiet
        return e
    }
}

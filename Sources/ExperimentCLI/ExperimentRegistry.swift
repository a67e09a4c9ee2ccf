import ExperimentKit
import Foundation

/// An experiment type as the registry keeps it: its name, its scales, and how to make it.
public struct RegisteredExperiment: Sendable {
    public let name: String
    public let scales: [ScaleName]
    let make: @Sendable (ScaleName, URL, URL) throws -> any PaperExperiment

    public init<E: CommandLineExperiment>(_ type: E.Type) {
        name = E.name; scales = E.scales
        make = { try E.withDefaultOptions(scale: $0, resultsRoot: $1, outputRoot: $2) }
    }
}

/// A list of experiments, in the order they run, that the front door (reproduce.sh, the report) treats alike.
public struct ExperimentRegistry: Sendable {
    public var experiments: [RegisteredExperiment]
    public init(_ experiments: [RegisteredExperiment]) { self.experiments = experiments }

    /// The names of the experiments that have `scale` (all of them when nil).
    public func names(at scale: ScaleName? = nil) -> [String] {
        experiments.filter { scale == nil || $0.scales.contains(scale!) }.map { $0.name }
    }

    /// Every experiment that has `scale`, with its options at their defaults; outputs under `outputRoot`
    /// (default: the scale's default output root in the current directory).
    public func experiments(at scale: ScaleName, resultsRoot: URL, outputRoot: URL? = nil) throws -> [any PaperExperiment] {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let root = (outputRoot ?? scale.defaultOutputRoot(in: cwd)).standardizedFileURL
        return try experiments.filter { $0.scales.contains(scale) }.map {
            try $0.make(scale, resultsRoot.standardizedFileURL, root)
        }
    }

    /// Tab-separated lines `experiment, target, paper item, needs, state, files` of every output at `scale`.
    public func targetTable(at scale: ScaleName, resultsRoot: URL, outputRoot: URL? = nil) throws -> [String] {
        try experiments(at: scale, resultsRoot: resultsRoot, outputRoot: outputRoot).flatMap { e in
            e.targetTable().map { "\(e.experimentName)\t\($0)" }
        }
    }
}

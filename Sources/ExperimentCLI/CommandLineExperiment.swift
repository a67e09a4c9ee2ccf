import ArgumentParser
import ExperimentKit
import Foundation

/// An experiment that the generic command can drive: its own command-line options (beside the shared `--scale`,
/// `--results`, `--out`, `--quiet`), how the options choose one of its runs, and the scales it has.
public protocol CommandLineExperiment: Experiment {
    /// Options of this experiment alone (`--kernel`, `--data`, …); an empty struct when it has none.
    associatedtype Options: ParsableArguments
    /// The options that choose one training run (`--model`, `--seed`, …) for `train` and `evaluate`.
    associatedtype RunChoice: ParsableArguments

    /// The scales this experiment defines, smallest first.
    static var scales: [ScaleName] { get }
    /// One line for `--help`.
    static var abstract: String { get }
    /// What each scale means, for `--help`.
    static var scaleHelp: String { get }

    init(scale: ScaleName, options: Options, resultsRoot: URL, outputRoot: URL) throws
    /// The run the options choose (a usage error for a choice this experiment does not have).
    func run(_ choice: RunChoice) throws -> Run
    /// One line summarising a run's metrics, printed by `evaluate`.
    func summary(_ metrics: Metrics) -> String
}

extension CommandLineExperiment {
    /// The experiment at `scale` with its options at their defaults (the report, the registry).
    public static func withDefaultOptions(scale: ScaleName, resultsRoot: URL, outputRoot: URL) throws -> Self {
        try Self(scale: scale, options: try Options.parse([]), resultsRoot: resultsRoot, outputRoot: outputRoot)
    }
}

extension ScaleName: ExpressibleByArgument {}

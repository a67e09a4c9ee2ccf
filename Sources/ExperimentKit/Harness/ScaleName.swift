import Foundation

/// The budgets an experiment can be run at, smallest first. Each experiment maps a name to its own typed budget
/// (`Gibbs1DScale`, `SmokeScale`, …) and lists the names it supports.
///
/// * `ci`: the whole pipeline in a minute or two (tests, CI).
/// * `quick`: every model and output in about an hour on a 2-core laptop.
/// * `standard`: the quick models trained several times longer, resumable in pieces.
/// * `paper`: the paper's model sizes and budget.
public enum ScaleName: String, CaseIterable, Codable, Sendable, CustomStringConvertible {
    case ci, quick, standard, paper

    public var description: String { rawValue }

    /// Where an experiment's `figures/` and `tables/` go unless told otherwise: `outputs/<scale>` for every scale.
    /// The repository's own `tables/` and `figures/` hold the largest scale of each output (`ExperimentRegistry.publish`).
    public func defaultOutputRoot(in directory: URL) -> URL {
        directory.appendingPathComponent("outputs").appendingPathComponent(rawValue)
    }
}

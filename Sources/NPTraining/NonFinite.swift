import Foundation

/// Non-finite per-task values (−inf, +inf, NaN) of one evaluation set: which set, how many tasks, the first few
/// indices. A model evaluated on extreme inputs can predict a zero variance or overflow; its log-likelihoods then
/// become −inf or NaN, and this says so before anything is averaged or written.
public struct NonFiniteValues: Sendable, Equatable, CustomStringConvertible {
    public var set: String
    /// Tasks with a non-finite value, and how many tasks there are.
    public var count: Int
    public var total: Int
    /// The first (at most `shown`) offending task indices, with their values.
    public var firstIndices: [Int]
    public var firstValues: [Double]

    /// The non-finite values of `values` (one per task of the set `set`), or nil when all are finite.
    public init?(_ values: [Double], set: String, shown: Int = 5) {
        let bad = values.indices.filter { !values[$0].isFinite }
        guard !bad.isEmpty else { return nil }
        self.set = set; count = bad.count; total = values.count
        firstIndices = Array(bad.prefix(shown)); firstValues = firstIndices.map { values[$0] }
    }

    public var description: String {
        let listed = zip(firstIndices, firstValues).map { "\($0) (\($1))" }.joined(separator: ", ")
        return "\(count) of \(total) tasks of the \(set) set have a non-finite value (\(count > firstIndices.count ? "first at tasks" : "tasks") \(listed))"
    }
}

/// Non-finite evaluation results of one model, as an error whose message names the model, the sets and the tasks.
public struct NonFiniteMetricsError: Error, Sendable, Equatable, CustomStringConvertible {
    public var model: String
    public var problems: [NonFiniteValues]

    public var description: String {
        "model \(model) gives non-finite metrics: " + problems.map(\.description).joined(separator: "; ")
            + "; its predictions overflow on these inputs (inspect those tasks, or retrain the model)"
    }
}

extension Evaluation {
    /// The sets of `sets` (name, per-task values) that contain non-finite values, or nil when all are finite:
    /// a caller prints it (`description` names the model) or throws it before averaging or writing metrics.
    public static func nonFiniteReport(model: String, _ sets: [(name: String, values: [Double])]) -> NonFiniteMetricsError? {
        let problems = sets.compactMap { NonFiniteValues($0.values, set: $0.name) }
        return problems.isEmpty ? nil : NonFiniteMetricsError(model: model, problems: problems)
    }
}

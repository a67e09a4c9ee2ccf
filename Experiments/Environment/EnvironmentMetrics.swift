import ExperimentKit
import Foundation
import NPModels
import NPTraining
import StationData

/// Every test task's own average log-likelihood, in the fixed order of the experiment's test sets, so that runs
/// can be compared task by task (paired differences, clustered by month).
public struct EnvironmentPerTask: Codable, Sendable {
    public var inDistribution: [Double]
    /// Always with the fixed inputs forced to zero (the strictly equivariant component for AE models).
    public var outOfDistribution: [Double]
    /// ID test tasks with the context set as the target set.
    public var contextSet: [Double]
    /// Approximately equivariant models: in distribution with the fixed inputs zeroed.
    public var inDistributionEquivariantComponent: [Double]?
    /// Approximately equivariant models: out of distribution with the fixed inputs left on (a diagnostic only;
    /// the reported OOD numbers never use it).
    public var outOfDistributionFixedInputsOn: [Double]?
}

/// Metrics of one trained run, written as `eval/<key>.json`.
public struct EnvironmentMetrics: Codable, Sendable {
    public static let currentVersion = 1
    public var version: Int
    public var key: String
    public var model: ModelKind
    public var dimension: Int
    public var fixedInputs: Int
    public var steps: Int
    public var trainingSeconds: Double
    public var inDistribution: Estimate
    public var outOfDistribution: Estimate
    public var contextSet: Estimate
    public var inDistributionEquivariantComponent: Estimate?
    /// Δequiv with p = 2 on the ID test (spec §8.3), standardised units.
    public var deviation: Evaluation.Deviation?
    public var perTask: EnvironmentPerTask
}

/// How each split is evaluated: the OOD split always with the fixed inputs forced to zero (paper §5.3: "we
/// zero-out the fixed inputs"; data.md §5.6), the others with them on.
public enum EnvironmentEvaluation {
    public static func fixedInputSwitch(for split: StationSplit) -> FixedInputSwitch {
        split.fixedInputsForcedToZero ? .off : .on
    }

    /// Per-task log-likelihoods of a split's test set under that split's switch.
    public static func perTask(_ model: NeuralProcess, _ set: StationTestSet, split: StationSplit, onContext: Bool = false) -> [Double] {
        Evaluation.perTaskLogLikelihood(model, set.batches, fixedInputSwitch(for: split), onContext: onContext)
    }
}

extension EnvironmentExperiment {
    func isCurrent(_ m: EnvironmentMetrics) -> Bool {
        guard m.version == EnvironmentMetrics.currentVersion, let set = try? testSet(.idTest, dimension: m.dimension) else { return false }
        return m.perTask.inDistribution.count == set.taskCount
    }

    /// Metrics of a run, computing (and training) what is missing.
    public func metrics(_ config: EnvironmentRunConfig) throws -> EnvironmentMetrics {
        try store.cachedMetrics(config, EnvironmentMetrics.self, isCurrent: isCurrent) {
            let key = try key(config)
            let model = try trainedModel(config)
            let id = try testSet(.idTest, dimension: config.dimension), ood = try testSet(.oodTest, dimension: config.dimension)
            say("evaluating \(config.label) on \(id.taskCount) ID and \(ood.taskCount) OOD test tasks")
            let approx = model.hasFixedInputs
            let perTask = EnvironmentPerTask(
                inDistribution: EnvironmentEvaluation.perTask(model, id, split: .idTest),
                outOfDistribution: EnvironmentEvaluation.perTask(model, ood, split: .oodTest),
                contextSet: EnvironmentEvaluation.perTask(model, id, split: .idTest, onContext: true),
                inDistributionEquivariantComponent: approx ? Evaluation.perTaskLogLikelihood(model, id.batches, .off) : nil,
                outOfDistributionFixedInputsOn: approx ? Evaluation.perTaskLogLikelihood(model, ood.batches, .on) : nil)
            return EnvironmentMetrics(
                version: EnvironmentMetrics.currentVersion, key: key, model: config.model.kind, dimension: config.dimension,
                fixedInputs: config.fixedInputCount, steps: config.schedule.steps,
                trainingSeconds: store.trainingLog(key).last?.seconds ?? 0,
                inDistribution: Estimate(perTask.inDistribution), outOfDistribution: Estimate(perTask.outOfDistribution),
                contextSet: Estimate(perTask.contextSet),
                inDistributionEquivariantComponent: perTask.inDistributionEquivariantComponent.map(Estimate.init),
                deviation: approx ? Evaluation.equivarianceDeviation(model, id.batches, p: 2) : nil,
                perTask: perTask)
        }
    }

    /// Metrics of a finished run without training or evaluating (nil when absent or stale).
    func existingMetrics(_ config: EnvironmentRunConfig) -> EnvironmentMetrics? {
        store.existingMetrics(config, EnvironmentMetrics.self, isCurrent: isCurrent)
    }
}

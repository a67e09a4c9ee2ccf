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
public typealias EnvironmentMetrics = TrainedRunMetrics<EnvironmentPerTask>

extension TrainedRunMetrics where PerTask == EnvironmentPerTask {
    /// 2: the ID test keeps the training months' stations (Docs/station-data.md §6).
    public static var currentVersion: Int { 2 }
    /// Δequiv is measured with p = 2 on the ID test, in standardised units.
    public var taskDimension: Int { dimension ?? 2 }
}

/// How each split is evaluated: the OOD split always with the fixed inputs forced to zero (paper §5.3: "we
/// zero-out the fixed inputs"; Docs/station-data.md §5.6), the others with them on.
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
    public func perTaskScores(_ m: EnvironmentMetrics) -> [(name: String, values: [Double])] {
        [("in-distribution", m.perTask.inDistribution), ("out-of-distribution", m.perTask.outOfDistribution), ("context", m.perTask.contextSet)]
            + (m.perTask.inDistributionEquivariantComponent.map { [("equivariant component", $0)] } ?? [])
    }

    public func isCurrent(_ m: EnvironmentMetrics) -> Bool {
        guard m.version == EnvironmentMetrics.currentVersion, let set = try? testSet(.idTest, dimension: m.taskDimension) else { return false }
        return m.perTask.inDistribution.count == set.taskCount
    }

    public func evaluate(_ config: EnvironmentRunConfig, model: NeuralProcess, key: String) throws -> EnvironmentMetrics {
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

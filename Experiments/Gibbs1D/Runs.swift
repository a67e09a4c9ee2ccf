import ExperimentKit
import Foundation
import NPData
import NPModels
import NPNN
import NPTensor
import NPTraining

/// Everything that determines a training run; its canonical JSON is hashed into the run's cache key.
public struct RunConfig: RunConfiguration {
    public var experiment = "gibbs1d"
    /// Bumped when the data generator changes in a way that invalidates results.
    public var dataVersion = 1
    public var model: ModelSpec
    public var schedule: TrainingSchedule
    public var data: GibbsGPConfig
    public var seed: UInt64

    /// The resolved fixed-input count (so that "default" and its explicit value share a key).
    public var fixedInputCount: Int { model.resolvedFixedInputCount }

    /// Whether B is a free choice of this model (`--fixed-inputs`).
    public var takesFixedInputCount: Bool { model.kind.takesFixedInputCount }

    public var label: String {
        (takesFixedInputCount ? "\(model.kind.rawValue)-B\(fixedInputCount)" : model.kind.rawValue) + (seed == 0 ? "" : "-seed\(seed)")
    }
}

/// Every test task's own average log-likelihood, in the fixed order of the experiment's test sets, so that two
/// runs can be compared task by task (paired differences).
public struct PerTaskLogLikelihoods: Codable, Sendable {
    public var inDistribution: [Double]
    public var outOfDistribution: [Double]
    public var contextSet: [Double]
    /// Approximately equivariant models: in distribution with the fixed inputs zeroed.
    public var inDistributionEquivariantComponent: [Double]?
}

/// Metrics of one trained run (spec §8), written as `eval/<key>.json`.
public struct RunMetrics: Codable, Sendable {
    /// Version 2 added `perTask`; files of an older version are recomputed from the trained weights.
    public static let currentVersion = 2
    public var version: Int?
    public var key: String
    public var model: ModelKind
    public var fixedInputs: Int
    public var steps: Int
    public var trainingSeconds: Double
    public var inDistribution: Estimate
    public var outOfDistribution: Estimate
    public var contextSet: Estimate
    /// For approximately equivariant models: the same metrics with the fixed inputs zeroed, and Δ_equiv.
    public var inDistributionEquivariantComponent: Estimate?
    public var deviation: Evaluation.Deviation?
    public var perTask: PerTaskLogLikelihoods?
}

extension Gibbs1DExperiment {
    /// The run configuration of a model (with B overriding the default fixed-input count).
    public func runConfig(_ kind: ModelKind, fixedInputs: Int? = nil, seed: UInt64? = nil) -> RunConfig {
        var spec = ModelSpec.gibbs1D(kind, preset: scale.preset, fixedInputCount: fixedInputs)
        if kind.takesFixedInputCount { spec.fixedInputCount = spec.resolvedFixedInputCount }   // explicit, so defaults share a key
        return RunConfig(model: spec, schedule: scale.schedule(for: kind), data: .inDistribution(kernel: kernel), seed: seed ?? scale.seed)
    }

    public func key(_ config: RunConfig) throws -> String { try store.key(config) }

    /// The model with trained weights, training it first if no finished run exists.
    public func trainedModel(_ config: RunConfig) throws -> NeuralProcess {
        let sampler = GibbsGPSampler(config.data)
        return try store.trainedModel(config, progress: ProgressReporter(label: "\(experimentName) \(scale.name) \(config.label)", quiet: quiet),
                                      validation: { validationSet() }) { rng in
            sampler.sampleBatch(tasks: config.schedule.batchSize, using: &rng).batch
        }
    }

    /// Whether cached metrics are of the current version and of this scale's test sets (else they are recomputed).
    func isCurrent(_ m: RunMetrics) -> Bool {
        m.version == RunMetrics.currentVersion && m.perTask?.inDistribution.count == testSet(.inDistribution).count * 16
    }

    /// Metrics of a run, computing (and training) what is missing.
    public func metrics(_ config: RunConfig) throws -> RunMetrics {
        try store.cachedMetrics(config, RunMetrics.self, isCurrent: isCurrent) {
            let key = try key(config)
            let model = try trainedModel(config)
            say("evaluating \(config.label) on \(scale.testTasks) in- and out-of-distribution test tasks")
            let id = testSet(.inDistribution), ood = testSet(.outOfDistribution)
            let approx = model.hasFixedInputs
            let perTask = PerTaskLogLikelihoods(
                inDistribution: Evaluation.perTaskLogLikelihood(model, id, .on),
                outOfDistribution: Evaluation.perTaskLogLikelihood(model, ood, .on),
                contextSet: Evaluation.perTaskLogLikelihood(model, id, .on, onContext: true),
                inDistributionEquivariantComponent: approx ? Evaluation.perTaskLogLikelihood(model, id, .off) : nil)
            return RunMetrics(
                version: RunMetrics.currentVersion,
                key: key, model: config.model.kind, fixedInputs: config.fixedInputCount, steps: config.schedule.steps,
                trainingSeconds: store.trainingLog(key).last?.seconds ?? 0,
                inDistribution: Estimate(perTask.inDistribution),
                outOfDistribution: Estimate(perTask.outOfDistribution),
                contextSet: Estimate(perTask.contextSet),
                inDistributionEquivariantComponent: perTask.inDistributionEquivariantComponent.map(Estimate.init),
                deviation: approx ? Evaluation.equivarianceDeviation(model, id, p: 1) : nil,
                perTask: perTask)
        }
    }

    /// Every training run the outputs need: the eight models, then the ablation's extra fixed-input counts.
    public func allRuns() -> [RunConfig] {
        var runs = Self.models.map { runConfig($0) }
        for kind in Gibbs1DScale.replicatedKinds { runs += seedRuns(kind).dropFirst() }
        for b in scale.ablationCounts where b > 0 {
            for kind in [ModelKind.tnpTApprox, .convCNPTApprox] {
                let c = runConfig(kind, fixedInputs: b)
                if !runs.contains(c) { runs.append(c) }
            }
        }
        return runs
    }

    /// The runs of `kind` with every training seed of the scale (one for kinds that are not seed-replicated).
    public func seedRuns(_ kind: ModelKind) -> [RunConfig] {
        let n = Gibbs1DScale.replicatedKinds.contains(kind) ? scale.seedReplicates : 1
        return (0..<n).map { runConfig(kind, seed: scale.seed + UInt64($0)) }
    }

    /// The ablation's run for B (B = 0 is the strictly equivariant model).
    public func ablationRun(_ kind: ModelKind, _ b: Int) -> RunConfig {
        if b == 0 { return runConfig(kind == .tnpTApprox ? .tnpT : .convCNPT) }
        return runConfig(kind, fixedInputs: b)
    }
}

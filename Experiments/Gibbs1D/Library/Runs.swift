import ExperimentKit
import Foundation
import NPData
import NPModels
import NPNN
import NPTensor
import NPTraining

/// A training run of the 1-D experiment: a model, its schedule and seed on Gibbs-GP data.
public typealias RunConfig = ModelRun<GibbsGPConfig>

extension GibbsGPConfig: RunDataSetting {
    public static func label(of run: ModelRun<GibbsGPConfig>) -> String { run.kindLabel + run.seedSuffix }
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

/// Metrics of one trained run, written as `eval/<key>.json`.
public typealias RunMetrics = TrainedRunMetrics<PerTaskLogLikelihoods>

extension TrainedRunMetrics where PerTask == PerTaskLogLikelihoods {
    /// Version 2 added `perTask`; files of an older version are recomputed from the trained weights.
    public static var currentVersion: Int { 2 }
}

extension Gibbs1DExperiment {
    /// The run configuration of a model (with B overriding the default fixed-input count).
    public func runConfig(_ kind: ModelKind, fixedInputs: Int? = nil, seed: UInt64? = nil) -> RunConfig {
        RunConfig(experiment: Self.name, model: .gibbs1D(kind, preset: scale.preset, fixedInputCount: fixedInputs),
                  schedule: scale.schedule(for: kind), data: .inDistribution(kernel: kernel), seed: seed ?? scale.seed)
    }

    public func trainingData(for run: RunConfig) -> TrainingData {
        let sampler = GibbsGPSampler(run.data)
        let tasks = run.schedule.batchSize
        return TrainingData(validation: { self.validationSet() }) { rng in sampler.sampleBatch(tasks: tasks, using: &rng).batch }
    }

    /// Whether cached metrics are of the current version and of this scale's test sets (else they are recomputed).
    public func perTaskScores(_ m: RunMetrics) -> [(name: String, values: [Double])] {
        [("in-distribution", m.perTask.inDistribution), ("out-of-distribution", m.perTask.outOfDistribution), ("context", m.perTask.contextSet)]
            + (m.perTask.inDistributionEquivariantComponent.map { [("equivariant component", $0)] } ?? [])
    }

    public func isCurrent(_ m: RunMetrics) -> Bool {
        m.version == RunMetrics.currentVersion && m.perTask.inDistribution.count == testSet(.inDistribution).count * 16
    }

    public func evaluate(_ config: RunConfig, model: NeuralProcess, key: String) throws -> RunMetrics {
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

    public func arguments(selecting run: RunConfig) -> [String] {
        ["--model", run.model.kind.rawValue] + (run.takesFixedInputCount ? ["--fixed-inputs", "\(run.fixedInputCount)"] : [])
            + (run.seed == scale.seed ? [] : ["--seed", "\(run.seed)"])
    }

    /// The ConvCNP (T)/(T̃) and EquivCNP (E)/(Ẽ) pairs get `scale.seedReplicates` training seeds; the others one.
    public func seedReplicates(of run: RunConfig) -> Int {
        Gibbs1DScale.replicatedKinds.contains(run.model.kind) ? scale.seedReplicates : 1
    }

    /// Every training run the outputs need: the eight models, their seed replicates, then the ablation's extra
    /// fixed-input counts.
    public func allRuns() -> [RunConfig] {
        var runs = withSeedReplicates(Self.models.map { runConfig($0) })
        for b in scale.ablationCounts where b > 0 {
            for kind in [ModelKind.tnpTApprox, .convCNPTApprox] {
                let c = runConfig(kind, fixedInputs: b)
                if !runs.contains(c) { runs.append(c) }
            }
        }
        return runs
    }

    /// The runs of `kind` with every training seed of the scale (one for kinds that are not seed-replicated).
    public func seedRuns(_ kind: ModelKind) -> [RunConfig] { seedRuns(runConfig(kind)) }

    /// The ablation's run for B (B = 0 is the strictly equivariant model).
    public func ablationRun(_ kind: ModelKind, _ b: Int) -> RunConfig {
        if b == 0 { return runConfig(kind == .tnpTApprox ? .tnpT : .convCNPT) }
        return runConfig(kind, fixedInputs: b)
    }
}

import ExperimentKit
import Foundation
import NPModels
import NPTensor
import NPTraining
import SmokeSim

/// Everything that determines a smoke training run; its canonical JSON is hashed into the run's cache key.
public struct SmokeRunConfig: RunConfiguration {
    public var experiment = "smoke2d"
    /// Bumped when task construction changes in a way that invalidates results.
    public var taskVersion = 1
    /// The data set: simulator version, plan (scale, seed, scaling, obstacle), and how tasks are cut from it.
    public var dataVersion = SmokeDatasetPlan.version
    public var data: SmokeDatasetPlan
    public var contextCounts: ClosedRange<Int>
    public var patchSide: Int
    public var trainingTargets: Int?
    public var model: ModelSpec
    public var schedule: TrainingSchedule
    public var seed: UInt64

    public var label: String { model.kind.rawValue + (seed == 0 ? "" : "-seed\(seed)") }
}

/// Per test task, in the fixed order of the test set, so that two runs can be compared task by task.
public struct SmokePerTask: Codable, Sendable {
    public var test: [Double]
    public var contextSet: [Double]
    /// Approximately equivariant models: the test tasks with the fixed inputs zeroed.
    public var equivariantComponent: [Double]?
}

/// Metrics of one trained smoke run, written as `eval/<key>.json`.
public struct SmokeRunMetrics: Codable, Sendable {
    public static let currentVersion = 1
    public var version: Int
    public var key: String
    public var model: ModelKind
    public var steps: Int
    public var trainingSeconds: Double
    public var test: Estimate
    public var contextSet: Estimate
    public var equivariantComponent: Estimate?
    public var deviation: Evaluation.Deviation?
    public var perTask: SmokePerTask
}

extension SmokeExperiment {
    /// The eight models of the smoke experiment, in the paper's table order (Docs/paper-spec.md §5.0).
    public static let models: [ModelKind] = [.ptTNP, .ptTNPT, .ptTNPTApprox, .convCNPT, .convCNPTApprox, .relaxedConvCNP, .equivCNPE, .equivCNPEApprox]

    /// Fixed inputs act everywhere in the frame (the paper states no zeroing for smoke): a box around the
    /// standardised frame, whose coordinates lie within ±1.72.
    public static let fixedInputDomain = DomainBox(lower: [-2, -2], upper: [2, 2])

    /// The floor on the predictive σ (in units of smoke / 21, whose maximum is 1). The smoke fields are noise-free
    /// and exactly zero on about 80 % of pixels (43 % of 32 × 32 patches are empty), so with the default floor of
    /// 10⁻⁶ the likelihood is unbounded: in our first runs the models drove σ to the floor and training losses
    /// reached 10⁴–10¹¹ within 100 steps. [ours] 0.01, 1 % of the largest density; it caps a target's
    /// log-likelihood at −log(0.01 √(2π)) ≈ 3.686.
    public static let scaleFloor: Float = 0.01

    /// A model's specification at this scale: σ = softplus(raw) + `scaleFloor` (the smoke column of Docs/paper-spec.md §3.1),
    /// fixed-input dropout 0.5 (Docs/paper-spec.md §5.1), positions given to the fixed-input MLP as they are (already
    /// standardised, A7).
    public func modelSpec(_ kind: ModelKind) -> ModelSpec {
        switch kind.recipe {
        case .pseudoTokenTransformer:
            return .attention(kind, sizes: scale.transformer.tnp, inputDimension: 2, domain: Self.fixedInputDomain, pseudoTokens: scale.pseudoTokens,
                              head: HeadSpec(parameterisation: .standardDeviationSoftplus, floor: Self.scaleFloor), initialisation: .calibrated)
        case .convolutional:
            return .grid2D(kind, sizes: scale.cnn, lattice: PatchTaskSampler.lattice(frame: plan.setup.gridSize), domain: Self.fixedInputDomain,
                           standardDeviationHead: true, scaleFloor: Self.scaleFloor, initialisation: .calibrated)
        case .transformer:
            preconditionFailure("the smoke experiment has no \(kind.displayName) (Docs/paper-spec.md §5.0)")
        }
    }

    public func runConfig(_ kind: ModelKind, seed: UInt64? = nil) -> SmokeRunConfig {
        SmokeRunConfig(data: plan, contextCounts: 10...250, patchSide: 32, trainingTargets: scale.trainingTargets,
                       model: modelSpec(kind), schedule: scale.schedule(for: kind), seed: seed ?? scale.seed)
    }

    /// The ConvCNP (T)/(T̃) and EquivCNP (E)/(Ẽ) pairs get `scale.seedReplicates` training seeds; the others one.
    public func seedReplicates(of run: SmokeRunConfig) -> Int {
        scale.replicatedKinds.contains(run.model.kind) ? scale.seedReplicates : 1
    }

    /// The eight models (seed 0 of the scale), then the extra seeds of the replicated kinds.
    public func allRuns() -> [SmokeRunConfig] { withSeedReplicates(modelRuns()) }

    /// The runs of `kind` with every training seed of the scale (one for kinds that are not seed-replicated).
    public func seedRuns(_ kind: ModelKind) -> [SmokeRunConfig] { seedRuns(runConfig(kind)) }

    /// The seed-0 runs of the eight models (what the tables and figures show).
    public func modelRuns() -> [SmokeRunConfig] { Self.models.map { runConfig($0) } }

    public func arguments(selecting run: SmokeRunConfig) -> [String] {
        ["--model", run.model.kind.rawValue] + (run.seed == scale.seed ? [] : ["--seed", "\(run.seed)"])
    }

    /// Patches of the training simulations (loaded, and if needed generated, before the run's lock is taken).
    public func trainingData(for run: SmokeRunConfig) throws -> TrainingData {
        let sampler = try trainingSampler()
        let batch = run.schedule.batchSize
        return TrainingData(validation: { try self.validationSet() }) { rng in sampler.sampleBatch(tasks: batch, using: &rng).batch }
    }

    public func perTaskScores(_ m: SmokeRunMetrics) -> [(name: String, values: [Double])] {
        [("test", m.perTask.test), ("context", m.perTask.contextSet)] + (m.perTask.equivariantComponent.map { [("equivariant component", $0)] } ?? [])
    }

    public func isCurrent(_ m: SmokeRunMetrics) -> Bool { m.version == SmokeRunMetrics.currentVersion && m.perTask.test.count == scale.testTasks }

    public func evaluate(_ config: SmokeRunConfig, model: NeuralProcess, key: String) throws -> SmokeRunMetrics {
        let test = try testSet().batches
        say("evaluating \(config.label) on \(scale.testTasks) test tasks")
        let approx = model.hasFixedInputs
        let perTask = SmokePerTask(
            test: Evaluation.perTaskLogLikelihood(model, test, .on),
            contextSet: Evaluation.perTaskLogLikelihood(model, test, .on, onContext: true),
            equivariantComponent: approx ? Evaluation.perTaskLogLikelihood(model, test, .off) : nil)
        return SmokeRunMetrics(
            version: SmokeRunMetrics.currentVersion, key: key, model: config.model.kind, steps: config.schedule.steps,
            trainingSeconds: store.trainingLog(key).last?.seconds ?? 0,
            test: Estimate(perTask.test), contextSet: Estimate(perTask.contextSet),
            equivariantComponent: perTask.equivariantComponent.map(Estimate.init),
            deviation: approx ? Evaluation.equivarianceDeviation(model, test, p: 1) : nil, perTask: perTask)
    }
}

import NPModels
import NPNN
import NPTraining

/// The budgets of the 1-D experiment at each scale. `paper` is the paper's protocol (Docs/paper-spec.md §6, §7.1);
/// `quick` keeps every model and metric but cuts widths (ModelPreset.quick), steps and test-set sizes to
/// fit an hour on a 2-core laptop; `standard` trains the same models ~7× longer (about 6 hours there, resumable
/// in pieces); `ci` runs the whole pipeline in a couple of minutes.
///
/// Every scale clips gradients by their global norm at 0.5 (what the authors' code does through Lightning's
/// `gradient_clip_val`; the paper's "gradient value magnitudes are clipped" stays available as
/// `GradientClipping.value`). The reduced scales warm the learning rate up and decay it by a cosine (
/// at a constant rate the quick models' validation scores swung by 0.05–0.12 nats between checkpoints); `paper`
/// keeps the paper's constant rate.
public struct Gibbs1DScale: Codable, Sendable, Equatable {
    public var name: String
    public var preset: ModelPreset
    /// Training steps (batches of 16 tasks) for the CNN models and the plain TNP …
    public var steps: Int
    /// … and for the TE-TNPs, whose attention MLP over every query–key pair makes a step ~10× dearer.
    public var teSteps: Int
    public var checkpointEvery: Int
    public var validateEvery: Int
    /// Test tasks, each for in-distribution and out-of-distribution (multiples of 16).
    public var testTasks: Int
    public var validationTasks: Int
    /// Tasks for the ground-truth context-set log-likelihood of each kernel (the paper's 0.2806 ± 0.0005).
    public var groundTruthTasks: Int
    /// The fixed-input counts of Table 5.
    public var ablationCounts: [Int] = [0, 1, 2, 4, 8, 16]
    public var seed: UInt64 = 0
    /// Training seeds per model for the seed-replicated kinds (seeds `seed`, `seed + 1`, …), so that claims comparing
    /// two trained models can be judged against seed-to-seed variation, not only against task-to-task variation.
    public var seedReplicates: Int = 1
    /// Learning-rate warm-up steps as a fraction of the run, then cosine decay to zero (nil: the paper's constant rate).
    public var warmupFraction: Double? = 0.05
    public var clipping: GradientClipping = .norm(0.5)
    /// The shared protocol these two fields spell (`OptimisationProtocol.reduced`, or `.paper` without warm-up).
    public var optimisation: OptimisationProtocol { OptimisationProtocol(warmupFraction: warmupFraction, clipping: clipping) }
    /// The kinds trained `seedReplicates` times: the ConvCNP (T)/(T̃) and EquivCNP (E)/(Ẽ) pairs.
    public static let replicatedKinds: [ModelKind] = [.convCNPT, .convCNPTApprox, .equivCNPE, .equivCNPEApprox]

    public static let ci = Gibbs1DScale(name: "ci", preset: .ci, steps: 30, teSteps: 30, checkpointEvery: 10, validateEvery: 10,
                                        testTasks: 64, validationTasks: 32, groundTruthTasks: 2_000, seedReplicates: 2)
    public static let quick = Gibbs1DScale(name: "quick", preset: .quick, steps: 4_000, teSteps: 800, checkpointEvery: 250,
                                           validateEvery: 1_000, testTasks: 4_096, validationTasks: 256, groundTruthTasks: 80_000,
                                           seedReplicates: 3)
    public static let standard = Gibbs1DScale(name: "standard", preset: .quick, steps: 30_000, teSteps: 4_000, checkpointEvery: 500,
                                              validateEvery: 5_000, testTasks: 8_192, validationTasks: 512, groundTruthTasks: 80_000,
                                              seedReplicates: 3)
    /// 500 epochs × 16,000 tasks = 500,000 steps of 16 (Docs/paper-spec.md A9); 80,000 test tasks; 4,096 validation tasks.
    public static let paper = Gibbs1DScale(name: "paper", preset: .paper, steps: 500_000, teSteps: 500_000, checkpointEvery: 1_000,
                                           validateEvery: 10_000, testTasks: 80_000, validationTasks: 4_096, groundTruthTasks: 80_000,
                                           seedReplicates: 3, warmupFraction: nil)

    public static let all: [Gibbs1DScale] = [.ci, .quick, .standard, .paper]
    public static func named(_ s: String) -> Gibbs1DScale? { all.first { $0.name == s } }

    func schedule(for kind: ModelKind) -> TrainingSchedule {
        let te = kind == .tnpT || kind == .tnpTApprox
        let s = TrainingSchedule(steps: te ? teSteps : steps, checkpointEvery: checkpointEvery, validateEvery: validateEvery)
        return optimisation.applied(to: s)
    }
}

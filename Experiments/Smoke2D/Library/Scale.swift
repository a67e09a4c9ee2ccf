import NPModels
import NPTraining
import SmokeSim

/// The budgets of the smoke experiment at each scale, next to the spec's values (Docs/paper-spec.md §5.1, §6, §7.2).
///
/// * `paper`: 20,000 / 2,500 / 2,500 simulations; the paper's model sizes (D_z 128, 9 layers, 128 pseudo-tokens;
///   U-Net C 16, kernel 9; D8 group CNN); 500 epochs of 16,000 tasks = 500,000 steps of 16 (of 8 for the
///   PT-TNP (T) and (T̃), whose epochs hold 8,000 tasks); every target of a task; 80,000 test tasks.
/// * `quick`: every model and output in under an hour on a 2-core laptop: a tenth of the data set, the quick
///   presets, a few thousand steps, and the loss of each training task on a random subset of 256 of its targets
///   (an unbiased estimate of the full loss at a quarter of the cost; evaluation always uses every target). The
///   PT-TNP (T) and (T̃) take as many steps of 8 as the plain PT-TNP takes of 16: half its tasks, as in the paper.
/// * `standard`: the quick models and data trained 6× longer (12,000 steps), every compared pair with three seeds,
///   4,096 test tasks: about a day of one 2-core machine, resumable in pieces.
/// * `ci`: the whole pipeline in a minute or two.
///
/// The reduced scales train with `OptimisationProtocol.reduced` and `InitialisationScheme.calibrated`; `paper`
/// keeps the paper's constant learning rate.
public struct SmokeScale: Codable, Sendable, Equatable {
    public var name: String
    public var data: SmokeDataScale
    /// Transformer sizes of the PT-TNPs (`ModelPreset.tnp`; the CNN fields are not read).
    public var transformer: ModelPreset
    /// M, the pseudo-token count.
    public var pseudoTokens: Int
    /// U-Net and group-CNN sizes.
    public var cnn: GridCNNPreset
    /// Training steps of the CNN models (batches of 16).
    public var cnnSteps: Int
    /// … of the plain PT-TNP (batches of 16).
    public var pseudoTokenSteps: Int
    /// … of the PT-TNP (T) and (T̃) (batches of 8, Docs/paper-spec.md §5.1).
    public var translationEquivariantSteps: Int
    public var checkpointEvery: Int
    public var validateEvery: Int
    /// Targets per training task (a random subset of the patch's non-context pixels); nil: all of them.
    public var trainingTargets: Int?
    /// Test tasks (a multiple of 16), cut from the test simulations with a fixed seed.
    public var testTasks: Int
    public var validationTasks: Int
    public var seed: UInt64 = 0
    /// Training seeds of the seed-replicated kinds (seeds `seed`, `seed + 1`, …), so that claims comparing two trained
    /// models are judged against seed-to-seed variation too.
    public var seedReplicates: Int = 1
    /// The kinds trained `seedReplicates` times: the ConvCNP (T)/(T̃) and EquivCNP (E)/(Ẽ) pairs at every scale
    /// (`cnnPairs`), and from `standard` on every model that a claim compares (`allPairs`: the RelaxedConvCNP (T̃)
    /// and the three PT-TNPs too; at `quick` the PT-TNP (T)/(T̃) runs cost as much as the CNN pairs' six together,
    /// so those four are trained once).
    public var replicatedKinds: [ModelKind] = SmokeScale.cnnPairs
    public static let cnnPairs: [ModelKind] = [.convCNPT, .convCNPTApprox, .equivCNPE, .equivCNPEApprox]
    public static let allPairs: [ModelKind] = cnnPairs + [.ptTNPT, .ptTNPTApprox, .relaxedConvCNP, .ptTNP]
    /// Whether every model is trained `seedReplicates` times (the captions then say so instead of naming pairs).
    public var replicatesEveryModel: Bool { replicatedKinds == Self.allPairs }
    public var optimisation: OptimisationProtocol = .reduced

    public static let ci = SmokeScale(name: "ci", data: .ci, transformer: .ci, pseudoTokens: 8, cnn: .ci,
                                      cnnSteps: 20, pseudoTokenSteps: 20, translationEquivariantSteps: 10,
                                      checkpointEvery: 10, validateEvery: 10, trainingTargets: 64, testTasks: 32, validationTasks: 16,
                                      seedReplicates: 2)
    public static let quick = SmokeScale(name: "quick", data: .quick, transformer: .quick, pseudoTokens: 64, cnn: .quickSmoke,
                                         cnnSteps: 2_000, pseudoTokenSteps: 1_000, translationEquivariantSteps: 1_000,
                                         checkpointEvery: 200, validateEvery: 500, trainingTargets: 256, testTasks: 1_024, validationTasks: 128,
                                         seedReplicates: 3)
    public static let standard = SmokeScale(name: "standard", data: .quick, transformer: .quick, pseudoTokens: 64, cnn: .quickSmoke,
                                            cnnSteps: 12_000, pseudoTokenSteps: 6_000, translationEquivariantSteps: 6_000,
                                            checkpointEvery: 500, validateEvery: 2_000, trainingTargets: 256, testTasks: 4_096,
                                            validationTasks: 256, seedReplicates: 3, replicatedKinds: SmokeScale.allPairs)
    public static let paper = SmokeScale(name: "paper", data: .paper, transformer: .paper, pseudoTokens: 128, cnn: .paper,
                                         cnnSteps: 500_000, pseudoTokenSteps: 500_000, translationEquivariantSteps: 500_000,
                                         checkpointEvery: 1_000, validateEvery: 10_000, trainingTargets: nil, testTasks: 80_000, validationTasks: 4_096,
                                         seedReplicates: 3, replicatedKinds: SmokeScale.allPairs, optimisation: .paper)

    public static let all: [SmokeScale] = [.ci, .quick, .standard, .paper]

    public static func named(_ name: String) throws -> SmokeScale {
        guard let s = all.first(where: { $0.name == name }) else {
            throw SmokeError.invalidArgument("unknown scale '\(name)'; choose \(all.map(\.name).joined(separator: ", "))")
        }
        return s
    }

    /// Batch size of a model: 8 for the PT-TNP (T) and (T̃), 16 otherwise (Docs/paper-spec.md §5.1).
    public static func batchSize(_ kind: ModelKind) -> Int { kind == .ptTNPT || kind == .ptTNPTApprox ? 8 : 16 }

    public func schedule(for kind: ModelKind) -> TrainingSchedule {
        let steps: Int
        switch kind.recipe {
        case .pseudoTokenTransformer(let te, _): steps = te ? translationEquivariantSteps : pseudoTokenSteps
        default: steps = cnnSteps
        }
        var s = TrainingSchedule(steps: steps, checkpointEvery: checkpointEvery, validateEvery: validateEvery)
        s.batchSize = Self.batchSize(kind)
        return optimisation.applied(to: s)
    }
}

import NPModels
import NPTraining

/// The budgets of the environmental experiment at each scale. `paper` is the paper's protocol (Docs/paper-spec.md §6, §7.3:
/// the smoke sizes, 500 epochs of 16,000 tasks, 16,000 test tasks); `quick` keeps every model, table and figure
/// and cuts widths, steps and test sets to fit the whole experiment in an hour on the 2-core machine; `standard`
/// trains the quick models 6× longer with three seeds of every compared pair; `ci` runs the pipeline in a couple of
/// minutes. The reduced scales train with `OptimisationProtocol.reduced` and every scale with
/// `InitialisationScheme.calibrated`.
public struct EnvironmentScale: Codable, Sendable, Equatable {
    public var name: String
    /// Transformer sizes of the PT-TNPs (the `tnp` part; the `convCNP` part is unused).
    public var transformer: ModelPreset
    /// M, the pseudo-tokens of the PT-TNPs.
    public var pseudoTokens: Int
    /// U-Net and group-CNN sizes, and the SetConv grid density in standardised lon/lat units.
    public var gridCNN: GridCNNPreset
    /// Training steps (batches of 16 tasks) of the 2-D CNN models, the 2-D PT-TNPs and the 4-D PT-TNPs.
    public var cnnSteps: Int
    public var pseudoTokenSteps: Int
    public var fourDSteps: Int
    public var checkpointEvery: Int
    public var validateEvery: Int
    /// Context/target splits drawn per test month (2-D) or window (4-D).
    public var splitsPerTestMonth: Int
    public var splitsPerTestWindow: Int
    /// Use only every k-th test month (window); 1 = all 204 months (201 windows).
    public var testMonthStride: Int
    public var validationTasks: Int
    /// Lon/lat grid of the maps (Figure 2, deviation map): columns × rows over the west region.
    public var mapColumns: Int
    public var mapRows: Int
    /// ID test months averaged into the deviation map (evenly spaced over 1981–1997).
    public var mapMonths: Int
    /// The fixed-input counts of Table 9 (B = 0 is ConvCNP (T)).
    public var ablationCounts: [Int] = [0, 1, 2, 4, 8, 16]
    public var seed: UInt64 = 0
    /// Training seeds (`seed`, `seed + 1`, …) of the main runs of `replicatedKinds`, so that the claims comparing two
    /// trained models are judged against seed-to-seed variation too (Table 6's and Table 9's extra runs: one seed).
    public var seedReplicates: Int = 1
    public var replicatedKinds: [ModelKind] = EnvironmentScale.cnnPairs
    /// The ConvCNP (T), ConvCNP (T̃), RelaxedConvCNP (T̃), EquivCNP (E) and (Ẽ) (2-D).
    public static let cnnPairs: [ModelKind] = [.convCNPT, .convCNPTApprox, .relaxedConvCNP, .equivCNPE, .equivCNPEApprox]
    /// … and the PT-TNP (T), (T̃) and plain PT-TNP, in 2-D and 4-D.
    public static let allPairs: [ModelKind] = cnnPairs + [.ptTNP, .ptTNPT, .ptTNPTApprox]
    public var optimisation: OptimisationProtocol = .reduced

    /// Tiny models, 20 steps, 24 test months: every output in a couple of minutes.
    public static let ci = EnvironmentScale(
        name: "ci", transformer: .ci, pseudoTokens: 8, gridCNN: .ci, cnnSteps: 20, pseudoTokenSteps: 20, fourDSteps: 10,
        checkpointEvery: 10, validateEvery: 10, splitsPerTestMonth: 1, splitsPerTestWindow: 1, testMonthStride: 9,
        validationTasks: 16, mapColumns: 14, mapRows: 16, mapMonths: 4, seedReplicates: 2)
    /// The PT-TNPs' sizes at `quick` and `standard`: D_z 64, 3 layers, 4 heads × 16.
    static let reducedTransformer: ModelPreset = {
        var p = ModelPreset.quick; p.name = "environment-quick"; p.tnp = .init(width: 64, layers: 3, heads: 4, headWidth: 16); return p
    }()
    /// PT-TNPs (`reducedTransformer`, 32 pseudo-tokens): 1,000 steps in 2-D and 250 in 4-D; CNNs (`quickGrid`): 600
    /// steps, the CNN pairs with three seeds; Table 9 at B ∈ {0, 1, 4, 16} only (to fit the hour of the quick budget);
    /// every test month with 4 context splits (816 tasks per 2-D split), every 4-D window with 2 (402 tasks).
    public static let quick = EnvironmentScale(
        name: "quick", transformer: reducedTransformer,
        pseudoTokens: 32, gridCNN: EnvironmentScale.quickGrid, cnnSteps: 600, pseudoTokenSteps: 1_000, fourDSteps: 250,
        checkpointEvery: 100, validateEvery: 500, splitsPerTestMonth: 4, splitsPerTestWindow: 2, testMonthStride: 1,
        validationTasks: 128, mapColumns: 36, mapRows: 42, mapMonths: 24, ablationCounts: [0, 1, 4, 16], seedReplicates: 3)
    /// The quick models trained 6–10× longer (6,000 steps; 1,500 in 4-D), every compared pair with three seeds, 24 context
    /// splits per test month (4,896 tasks per 2-D split) and 12 per 4-D window (2,412): about a day on 2 cores, resumable.
    public static let standard = EnvironmentScale(
        name: "standard", transformer: reducedTransformer,
        pseudoTokens: 32, gridCNN: EnvironmentScale.quickGrid, cnnSteps: 6_000, pseudoTokenSteps: 6_000, fourDSteps: 1_500,
        checkpointEvery: 250, validateEvery: 1_000, splitsPerTestMonth: 24, splitsPerTestWindow: 12, testMonthStride: 1,
        validationTasks: 256, mapColumns: 36, mapRows: 42, mapMonths: 24, ablationCounts: [0, 1, 4, 16], seedReplicates: 3,
        replicatedKinds: EnvironmentScale.allPairs)
    /// The quick 2-D CNN sizes: `GridCNNPreset.quick` with 3 poolings and 4 grid points per standardised unit
    /// (0.25 units ≈ 0.3°, about the spacing of the stations).
    public static let quickGrid: GridCNNPreset = {
        var g = GridCNNPreset.quick
        g.name = "environment-quick"
        g.unet = .init(channels: 16, levels: 3, kernel: 5)
        g.pointsPerUnit = 4
        return g
    }()

    /// The paper's sizes and budget: 500 epochs × 16,000 tasks = 500,000 steps of 16; 16,000 test tasks per split
    /// (about 78 splits per month, 80 per window).
    public static let paper = EnvironmentScale(
        name: "paper", transformer: .paper, pseudoTokens: 128, gridCNN: .paper, cnnSteps: 500_000, pseudoTokenSteps: 500_000,
        fourDSteps: 500_000, checkpointEvery: 1_000, validateEvery: 10_000, splitsPerTestMonth: 78, splitsPerTestWindow: 80,
        testMonthStride: 1, validationTasks: 4_096, mapColumns: 72, mapRows: 84, mapMonths: 204, seedReplicates: 3,
        replicatedKinds: EnvironmentScale.allPairs, optimisation: .paper)

    public static let all: [EnvironmentScale] = [.ci, .quick, .standard, .paper]
    public static func named(_ s: String) -> EnvironmentScale? { all.first { $0.name == s } }

    /// The schedule of a model in a task dimension.
    func schedule(for kind: ModelKind, dimension: Int) -> TrainingSchedule {
        let steps = dimension == 4 ? fourDSteps : kind.modelClass == "PT-TNP" ? pseudoTokenSteps : cnnSteps
        return optimisation.applied(to: TrainingSchedule(steps: steps, checkpointEvery: checkpointEvery, validateEvery: validateEvery))
    }
}

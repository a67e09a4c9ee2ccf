import NPTensor

/// The eight 1-D models of the paper.
public enum ModelKind: String, CaseIterable, Codable, Sendable {
    case tnp = "tnp"
    case tnpT = "tnp-t"
    case tnpTApprox = "tnp-t-approx"
    case convCNPT = "convcnp-t"
    case convCNPTApprox = "convcnp-t-approx"
    case relaxedConvCNP = "relaxedconvcnp-t-approx"
    case equivCNPE = "equivcnp-e"
    case equivCNPEApprox = "equivcnp-e-approx"

    /// The paper's name; a combining tilde (U+0303) marks approximate equivariance, as T̃ and Ẽ.
    public var displayName: String {
        switch self {
        case .tnp: return "TNP"
        case .tnpT: return "TNP (T)"
        case .tnpTApprox: return "TNP (T\u{303})"
        case .convCNPT: return "ConvCNP (T)"
        case .convCNPTApprox: return "ConvCNP (T\u{303})"
        case .relaxedConvCNP: return "RelaxedConvCNP (T\u{303})"
        case .equivCNPE: return "EquivCNP (E)"
        case .equivCNPEApprox: return "EquivCNP (E\u{303})"
        }
    }

    /// Approximately equivariant models (with fixed inputs).
    public var isApproximatelyEquivariant: Bool { [.tnpTApprox, .convCNPTApprox, .relaxedConvCNP, .equivCNPEApprox].contains(self) }

    /// The symmetry the model (or its equivariant component) has exactly.
    public var symmetry: String {
        switch self {
        case .tnp: return "none"
        case .equivCNPE, .equivCNPEApprox: return "translations and reflections"
        default: return "translations"
        }
    }

    /// Whether the number of fixed inputs B is a free choice (the RelaxedConvCNP's count is tied to C).
    public var takesFixedInputCount: Bool { [.tnpTApprox, .convCNPTApprox, .equivCNPEApprox].contains(self) }

    /// The model class (row group of the paper's tables).
    public var modelClass: String {
        switch self {
        case .tnp, .tnpT, .tnpTApprox: return "TNP"
        case .convCNPT, .convCNPTApprox, .relaxedConvCNP: return "ConvCNP"
        case .equivCNPE, .equivCNPEApprox: return "EquivCNP"
        }
    }
}

/// Architecture sizes. `paper` is the paper's (spec §5.1, 1-D column); `quick` and `ci` keep every
/// architectural choice and shrink width, depth and grid density (the `quick` sizes are those of
/// `shared/spec/peer-bench.md`, so their PyTorch step times are known).
public struct ModelPreset: Codable, Sendable, Equatable {
    public var name: String
    public var tnp: TNP.Config
    public var convCNP: ConvCNP.Config

    /// D_z = 128, 9 layers, 8 heads × 16; C = 64, 9 conv layers, kernel 21, 46 points per unit (A11), 5 decoder lengthscales.
    public static let paper = ModelPreset(name: "paper",
                                          tnp: .init(width: 128, layers: 9, heads: 8, headWidth: 16),
                                          convCNP: .init(channels: 64, layers: 9, kernel: 21, pointsPerUnit: 46))
    /// D_z = 64, 4 layers, 4 heads × 16; C = 32, 6 conv layers, kernel 21, 32 points per unit.
    public static let quick = ModelPreset(name: "quick",
                                          tnp: .init(width: 64, layers: 4, heads: 4, headWidth: 16),
                                          convCNP: .init(channels: 32, layers: 6, kernel: 21, pointsPerUnit: 32))
    /// Tiny, for tests and CI: every code path, seconds of compute.
    public static let ci = ModelPreset(name: "ci",
                                       tnp: .init(width: 16, layers: 2, heads: 2, headWidth: 8),
                                       convCNP: .init(channels: 8, layers: 2, kernel: 5, pointsPerUnit: 16))

    public static let all: [ModelPreset] = [.paper, .quick, .ci]
    public static func named(_ s: String) -> ModelPreset? { all.first { $0.name == s } }
}

/// Everything needed to build one model: kind, sizes, and the fixed-input settings of the experiment.
public struct ModelSpec: Codable, Sendable, Equatable {
    public var kind: ModelKind
    public var preset: ModelPreset
    /// B. nil: the paper's default for the kind (C for the CNN models, 4 Fourier coefficients for the TNP (T̃)).
    /// 0: no fixed inputs (the strictly equivariant model).
    public var fixedInputCount: Int?
    /// Fixed inputs are zero outside this open box.
    public var domain: DomainBox
    /// Range used for the Fourier wavelengths of the TNP (T̃) (the width of the domain, 14 in 1-D).
    public var fourierRange: Float
    /// Positions are divided by this before the fixed-input MLP of the CNN models (see `FixedInputsConfig.inputScale`).
    public var positionScale: Float = 7
    /// Dropout probabilities (spec §5.1, readings A12).
    public var dropoutTNP: Double = 0.5
    public var dropoutConvCNP: Double = 0.1
    public var dropoutEquivCNP: Double = 0.1
    public var dropoutRelaxed: Double = 0.5

    /// The 1-D Gibbs-GP experiment's settings: zero outside (−7, 7), Fourier range 14.
    public static func gibbs1D(_ kind: ModelKind, preset: ModelPreset, fixedInputCount: Int? = nil) -> ModelSpec {
        ModelSpec(kind: kind, preset: preset, fixedInputCount: fixedInputCount,
                  domain: DomainBox(lower: [-7], upper: [7]), fourierRange: 14)
    }

    /// B as built: the explicit count, or the paper's default (4 Fourier coefficients for the TNP (T̃), C for the
    /// CNN models); C for the RelaxedConvCNP; 0 for models without fixed inputs.
    public var resolvedFixedInputCount: Int {
        switch kind {
        case .tnpTApprox: return fixedInputCount ?? 4
        case .convCNPTApprox, .equivCNPEApprox: return fixedInputCount ?? preset.convCNP.channels
        case .relaxedConvCNP: return preset.convCNP.channels
        default: return 0
        }
    }

    /// Builds the model with freshly initialised parameters.
    public func build(rng: inout RandomGenerator) -> NeuralProcess {
        let c = preset.convCNP.channels, d = preset.tnp.width
        func cnnFixed(_ p: Double) -> FixedInputsConfig? {
            let b = resolvedFixedInputCount
            return b == 0 ? nil : FixedInputsConfig(count: b, hiddenWidth: c, domain: domain, dropoutProbability: p, inputScale: positionScale)
        }
        switch kind {
        case .tnp:
            return TNP(config: preset.tnp, translationEquivariant: false, fixedInputs: nil, rng: &rng)
        case .tnpT:
            return TNP(config: preset.tnp, translationEquivariant: true, fixedInputs: nil, rng: &rng)
        case .tnpTApprox:
            let b = resolvedFixedInputCount
            let fixed = b == 0 ? nil : FixedInputsConfig(count: d, hiddenWidth: d, features: .fourier(count: b, range: fourierRange),
                                                          domain: domain, dropoutProbability: dropoutTNP)
            return TNP(config: preset.tnp, translationEquivariant: true, fixedInputs: fixed, rng: &rng)
        case .convCNPT:
            return ConvCNP(config: preset.convCNP, convolution: .plain, fixedInputs: nil, rng: &rng)
        case .convCNPTApprox:
            return ConvCNP(config: preset.convCNP, convolution: .plain, fixedInputs: cnnFixed(dropoutConvCNP), rng: &rng)
        case .relaxedConvCNP:
            let relax = FixedInputsConfig(count: c, hiddenWidth: c, domain: domain, dropoutProbability: dropoutRelaxed, inputScale: positionScale)
            return ConvCNP(config: preset.convCNP, convolution: .relaxed(relax), fixedInputs: nil, rng: &rng)
        case .equivCNPE:
            return ConvCNP(config: preset.convCNP, convolution: .symmetric, fixedInputs: nil, rng: &rng)
        case .equivCNPEApprox:
            return ConvCNP(config: preset.convCNP, convolution: .symmetric, fixedInputs: cnnFixed(dropoutEquivCNP), rng: &rng)
        }
    }
}

import NPAutodiff
import NPTensor

/// Everything needed to build one model: kind, sizes, data dimensions and the experiment's fixed-input settings.
///
/// Its canonical JSON is part of every run's cache key, so fields added later are optional and omitted when
/// unset: a 1-D specification encodes exactly as it did before they existed.
public struct ModelSpec: Codable, Sendable, Equatable {
    public var kind: ModelKind
    public var preset: ModelPreset
    /// B. nil: the paper's default for the kind (C for the CNN models, 4 Fourier coefficients for the TNP (T̃), D_z
    /// for the PT-TNP (T̃)).
    /// 0: no fixed inputs (the strictly equivariant model).
    public var fixedInputCount: Int?
    /// Fixed inputs are zero outside this open box.
    public var domain: DomainBox
    /// Range used for the Fourier wavelengths of the TNP (T̃) (the width of the domain, 14 in 1-D).
    public var fourierRange: Float
    /// Positions are divided by this before the fixed-input MLP of the CNN models (see `FixedInputsConfig.inputScale`).
    public var positionScale: Float = 7
    /// Dropout probabilities (Docs/paper-spec.md §5.1, A12).
    public var dropoutTNP: Double = 0.5
    public var dropoutConvCNP: Double = 0.1
    public var dropoutEquivCNP: Double = 0.1
    public var dropoutRelaxed: Double = 0.5
    /// Input dimension dx (nil: 1).
    public var inputDimension: Int?
    /// Output dimension dy (nil: 1).
    public var outputDimension: Int?
    /// The SetConv kernel's shape (nil: one lengthscale per dimension).
    public var kernelShape: KernelShape?
    /// M, the number of pseudo-tokens of the pseudo-token TNPs (nil: D_z, which is the paper's 128 at paper size).
    public var pseudoTokenCount: Int?
    /// 2-D CNN sizes (U-Net, group CNN; `GridCNNPreset`). nil: the `ConvStack` models of `preset.convCNP`.
    public var gridCNN: GridCNNPreset?
    /// Gridded data: the pixel lattice of the on-grid encoder and decoder. nil: off-grid SetConv.
    public var pixelLattice: PixelLattice?
    /// What the head's raw scale means (nil: σ² = softplus(raw); the smoke experiment uses σ = softplus(raw)).
    public var scaleParameterisation: ScaleParameterisation?
    /// The floor the head adds to σ (or σ²) (nil: `GaussianHead.defaultFloor`, 1e-6).
    public var scaleFloor: Float?
    /// The input dimensions the fixed inputs see (nil: all). `domain` is then a box over these dimensions only.
    /// The environmental 4-D models use [0, 1, 3] (lon, lat, elevation; not time, Docs/station-data.md §5.6).
    public var fixedInputDimensions: [Int]?
    /// Where the off-grid SetConv models put their grid (nil: `.batch`, one grid spanning the batch). The 1-D
    /// experiment uses `.perTask`: its tasks are centred anywhere in [−7, 7], so a batch grid is ~3×
    /// larger than one task needs.
    public var gridPlacement: GridPlacement?
    /// How the parameters start (nil: `.kaiming`, the authors' initialisation, with which the 1-D runs were trained).
    public var initialisation: InitialisationScheme?
    public var initialisationScheme: InitialisationScheme { initialisation ?? .kaiming }

    public init(kind: ModelKind, preset: ModelPreset, fixedInputCount: Int? = nil, domain: DomainBox, fourierRange: Float,
                inputDimension: Int? = nil, outputDimension: Int? = nil, fixedInputDimensions: [Int]? = nil) {
        let dx = inputDimension ?? 1
        if let dims = fixedInputDimensions {
            require(!dims.isEmpty && Set(dims).count == dims.count && dims.allSatisfy { $0 >= 0 && $0 < dx },
                    "fixed-input dimensions \(dims) for dx = \(dx)")
        }
        let seen = fixedInputDimensions?.count ?? dx
        require(domain.lower.count == seen, "a \(domain.lower.count)-D fixed-input domain for \(seen) seen dimensions (dx = \(dx))")
        self.kind = kind; self.preset = preset; self.fixedInputCount = fixedInputCount; self.domain = domain
        self.fourierRange = fourierRange; self.inputDimension = inputDimension; self.outputDimension = outputDimension
        self.fixedInputDimensions = fixedInputDimensions
    }

    /// The 1-D Gibbs-GP experiment's settings: zero outside (−7, 7), Fourier range 14.
    public static func gibbs1D(_ kind: ModelKind, preset: ModelPreset, fixedInputCount: Int? = nil,
                               gridPlacement: GridPlacement? = .perTask) -> ModelSpec {
        var spec = ModelSpec(kind: kind, preset: preset, fixedInputCount: fixedInputCount, domain: DomainBox(lower: [-7], upper: [7]),
                             fourierRange: 14)
        if case .convolutional = kind.recipe { spec.gridPlacement = gridPlacement }
        return spec
    }

    public var dx: Int { inputDimension ?? 1 }
    public var dy: Int { outputDimension ?? 1 }

    /// B as built: the explicit count, or the paper's default (4 Fourier coefficients for the TNP (T̃), C for the
    /// CNN models); C for the RelaxedConvCNP; 0 for models without fixed inputs.
    public var resolvedFixedInputCount: Int {
        switch kind.recipe {
        case .transformer(_, true): return fixedInputCount ?? 4
        case .pseudoTokenTransformer(_, true): return fixedInputCount ?? preset.tnp.width
        case .convolutional(.relaxed, _): return convolutionalChannels
        case .convolutional(_, true): return fixedInputCount ?? convolutionalChannels
        default: return 0
        }
    }

    /// Builds the model with freshly initialised parameters.
    public func build(rng: inout RandomGenerator) -> NeuralProcess {
        switch kind.recipe {
        case .transformer(let te, let fixed): return buildTransformer(translationEquivariant: te, fixed: fixed, rng: &rng)
        case .convolutional(let conv, let fixed): return buildConvolutional(conv, fixed: fixed, rng: &rng)
        case .pseudoTokenTransformer(let te, let fixed): return buildPseudoTokenTransformer(translationEquivariant: te, fixed: fixed, rng: &rng)
        }
    }

    func buildTransformer(translationEquivariant te: Bool, fixed: Bool, rng: inout RandomGenerator) -> NeuralProcess {
        let b = resolvedFixedInputCount, d = preset.tnp.width
        // The TNP (T̃)'s fixed inputs: B Fourier coefficients per dimension, then an MLP to D_z (Docs/paper-spec.md A5).
        let config = fixed && b > 0
            ? FixedInputsConfig(count: d, hiddenWidth: d, features: .fourier(count: b, range: fourierRange), domain: domain,
                                dropoutProbability: dropoutTNP, inputDimensions: fixedInputDimensions)
            : nil
        return TNP(config: preset.tnp, translationEquivariant: te, fixedInputs: config, inputDimension: dx, outputDimension: dy, rng: &rng)
    }

    func buildConvolutional(_ recipe: ModelRecipe.ConvRecipe, fixed: Bool, rng: inout RandomGenerator) -> NeuralProcess {
        if let gridCNN { return buildGridConvolutional(recipe, fixed: fixed, sizes: gridCNN, rng: &rng) }
        let c = preset.convCNP.channels, b = resolvedFixedInputCount
        let dropout = recipe == .symmetric ? dropoutEquivCNP : dropoutConvCNP
        let positional = FixedInputsConfig(count: b, hiddenWidth: c, domain: domain, dropoutProbability: recipe == .relaxed ? dropoutRelaxed : dropout,
                                           inputScale: positionScale, inputDimensions: fixedInputDimensions)
        let convolution: ConvKind
        switch recipe {
        case .plain: convolution = .plain
        case .symmetric: convolution = .symmetric
        case .relaxed: convolution = .relaxed(positional)
        }
        return ConvCNP(config: preset.convCNP, convolution: convolution, fixedInputs: fixed && b > 0 ? positional : nil,
                       inputDimension: dx, outputDimension: dy, kernelShape: kernelShape ?? .perDimension,
                       gridPlacement: gridPlacement ?? .batch, rng: &rng)
    }
}

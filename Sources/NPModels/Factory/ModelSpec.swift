import NPAutodiff
import NPTensor

/// Everything needed to build one model: its kind, data dimensions, the sizes of its family and, for an
/// approximately equivariant kind, its fixed inputs. Nothing else: a field that a model does not read is not in its
/// spec, so two specs are equal exactly when they build the same model.
///
/// Its JSON (schema 2) is part of every run's cache key and starts with `"schema": 2`. A record without `schema` is a
/// schema-1 record (the bag of fields of earlier versions, `ModelSpecSchema1`) and is read by converting it; runs
/// trained under schema 1 keep their folders (Docs/architecture.md, "Run keys").
public struct ModelSpec: Sendable, Equatable {
    /// The version of the JSON layout; a layout change is a new version, and the old one stays readable.
    public static let schemaVersion = 2

    public var kind: ModelKind
    /// dx.
    public var inputDimension: Int
    /// dy.
    public var outputDimension: Int
    public var architecture: ModelArchitecture
    /// Present exactly for the approximately equivariant kinds (the RelaxedConvCNP: its relaxed weights' MLP).
    public var fixedInputs: FixedInputSpec?

    public init(kind: ModelKind, inputDimension: Int = 1, outputDimension: Int = 1, architecture: ModelArchitecture,
                fixedInputs: FixedInputSpec?) {
        self.kind = kind; self.inputDimension = inputDimension; self.outputDimension = outputDimension
        self.architecture = architecture; self.fixedInputs = fixedInputs
        if let error = validationError { require(false, "model spec for \(kind.rawValue): \(error)") }
    }

    public var dx: Int { inputDimension }
    public var dy: Int { outputDimension }

    /// B as built (the RelaxedConvCNP: C); 0 for the strictly equivariant and non-equivariant kinds.
    public var resolvedFixedInputCount: Int { fixedInputs?.count ?? 0 }

    /// C of a convolutional model (nil for the attention families).
    public var convolutionalChannels: Int? {
        switch architecture {
        case .convStack(let a): return a.sizes.channels
        case .gridCNN(let a): return a.backbone.channels
        case .transformer, .pseudoTokenTransformer: return nil
        }
    }

    /// The Gaussian head (the TNP and 1-D CNN families always use `HeadSpec.variance`).
    public var head: HeadSpec {
        switch architecture {
        case .pseudoTokenTransformer(let a): return a.head
        case .gridCNN(let a): return a.head
        case .transformer, .convStack: return .variance
        }
    }

    /// The 2-D CNN architecture (nil for the other families).
    public var gridCNN: GridCNNArchitecture? {
        if case .gridCNN(let a) = architecture { return a }
        return nil
    }

    /// The pixel lattice of a model on gridded data (nil: off-grid).
    public var pixelLattice: PixelLattice? { gridCNN?.pixelLattice }

    /// How the parameters start. Only the pseudo-token and 2-D CNN families have a choice; setting another scheme
    /// on a family without one is a programming error.
    public var initialisation: InitialisationScheme {
        get { architecture.initialisation ?? .kaiming }
        set {
            if newValue == initialisation { return }
            guard let changed = architecture.startingWith(newValue) else {
                preconditionFailure("the \(architecture.family) family always starts with the Kaiming scheme")
            }
            architecture = changed
        }
    }

    /// Why this spec cannot build a model (nil: it can).
    public var validationError: String? {
        let recipe = kind.recipe
        guard inputDimension >= 1, outputDimension >= 1 else { return "dx = \(inputDimension), dy = \(outputDimension)" }
        guard architecture.builds(recipe) else { return "the \(architecture.family) family does not build \(kind.displayName)" }
        guard kind.isApproximatelyEquivariant == (fixedInputs != nil) else {
            return kind.isApproximatelyEquivariant ? "an approximately equivariant kind needs fixed inputs"
                                                   : "a kind without fixed inputs has a fixed-input spec"
        }
        if let f = fixedInputs {
            if let error = f.validationError(dx: dx) { return error }
            let fourier: Bool
            if case .fourier = f.positions { fourier = true } else { fourier = false }
            if fourier != (kind == .tnpTApprox) { return "only the TNP (T̃) takes Fourier features of position" }
            if case .convolutional(.relaxed, _) = recipe, f.count != convolutionalChannels {
                return "the RelaxedConvCNP's count \(f.count) is not its C = \(convolutionalChannels ?? 0)"
            }
        }
        if case .gridCNN(let a) = architecture {
            guard dx == 2 else { return "the U-Net and group-CNN models are 2-D; dx = \(dx)" }
            let groupCNN: Bool
            if case .groupCNN = a.backbone { groupCNN = true } else { groupCNN = false }
            if case .convolutional(let c, _) = recipe, groupCNN != (c == .symmetric) { return "EquivCNPs take the group CNN, ConvCNPs the U-Net" }
            if case .pixels(let lattice) = a.input, lattice.dimension != 2 { return "a \(lattice.dimension)-D pixel lattice" }
        }
        return nil
    }

    /// Builds the model with freshly initialised parameters.
    public func build(rng: inout RandomGenerator) -> NeuralProcess {
        switch (architecture, kind.recipe) {
        case (.transformer(let a), .transformer(let te, _)):
            let d = a.sizes.width
            // The TNP (T̃)'s fixed inputs: B Fourier coefficients per dimension, then an MLP to D_z (Docs/paper-spec.md A5).
            return TNP(config: a.sizes, translationEquivariant: te, fixedInputs: fixedInputs?.config(hiddenWidth: d, dx: dx, outputs: d),
                       inputDimension: dx, outputDimension: dy, rng: &rng)
        case (.pseudoTokenTransformer(let a), .pseudoTokenTransformer(let te, _)):
            return buildPseudoTokenTransformer(a, translationEquivariant: te, rng: &rng)
        case (.convStack(let a), .convolutional(let recipe, _)):
            let positional = fixedInputs?.config(hiddenWidth: a.sizes.channels, dx: dx)
            let convolution: ConvKind
            switch recipe {
            case .plain: convolution = .plain
            case .symmetric: convolution = .symmetric
            case .relaxed: convolution = .relaxed(positional!)
            }
            return ConvCNP(config: a.sizes, convolution: convolution, fixedInputs: recipe == .relaxed ? nil : positional,
                           inputDimension: dx, outputDimension: dy, kernelShape: a.kernelShape, gridPlacement: a.gridPlacement, rng: &rng)
        case (.gridCNN(let a), .convolutional(let recipe, _)):
            return buildGridConvolutional(a, recipe: recipe, rng: &rng)
        default:
            preconditionFailure("model spec for \(kind.rawValue): \(validationError ?? "unbuildable")")
        }
    }
}

extension ModelSpec: Codable {
    private enum CodingKeys: String, CodingKey { case schema, kind, inputDimension, outputDimension, architecture, fixedInputs }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard let schema = try c.decodeIfPresent(Int.self, forKey: .schema) else {
            do { self = try ModelSpecSchema1(from: decoder).converted() } catch let e as ModelSpecSchema1Error {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: e.description))
            }
            return
        }
        guard schema == Self.schemaVersion else {
            throw DecodingError.dataCorruptedError(forKey: .schema, in: c,
                                                   debugDescription: "model spec schema \(schema); this version reads 1 and \(Self.schemaVersion)")
        }
        kind = try c.decode(ModelKind.self, forKey: .kind)
        inputDimension = try c.decode(Int.self, forKey: .inputDimension)
        outputDimension = try c.decode(Int.self, forKey: .outputDimension)
        architecture = try c.decode(ModelArchitecture.self, forKey: .architecture)
        fixedInputs = try c.decodeIfPresent(FixedInputSpec.self, forKey: .fixedInputs)
        if let error = validationError {
            throw DecodingError.dataCorruptedError(forKey: .kind, in: c, debugDescription: "invalid model spec: \(error)")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Self.schemaVersion, forKey: .schema)
        try c.encode(kind, forKey: .kind)
        try c.encode(inputDimension, forKey: .inputDimension)
        try c.encode(outputDimension, forKey: .outputDimension)
        try c.encode(architecture, forKey: .architecture)
        try c.encodeIfPresent(fixedInputs, forKey: .fixedInputs)
    }
}

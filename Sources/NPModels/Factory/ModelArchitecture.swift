import NPAutodiff

/// The sizes and choices of one model family, and nothing the family does not read. `ModelSpec.architecture` holds
/// one; which family a kind needs is `ModelKind.recipe` (checked when a spec is built or read).
///
/// JSON: `{"family": "<case>", <the case's fields>}`, e.g. `{"family": "convStack", "sizes": {…}, "kernelShape":
/// "perDimension", "gridPlacement": "perTask"}`.
public enum ModelArchitecture: Sendable, Equatable {
    /// TNP, TNP (T), TNP (T̃): the transformer's sizes.
    case transformer(TransformerArchitecture)
    /// PT-TNP, PT-TNP (T), PT-TNP (T̃).
    case pseudoTokenTransformer(PseudoTokenArchitecture)
    /// The 1-D ConvCNP, RelaxedConvCNP and EquivCNP: a `ConvStack` backbone on a SetConv grid.
    case convStack(ConvStackArchitecture)
    /// The 2-D ConvCNPs (U-Net backbone) and EquivCNPs (group-CNN backbone), on pixels or on a SetConv grid.
    case gridCNN(GridCNNArchitecture)

    /// The name written as `family`.
    public var family: String {
        switch self {
        case .transformer: return "transformer"
        case .pseudoTokenTransformer: return "pseudoTokenTransformer"
        case .convStack: return "convStack"
        case .gridCNN: return "gridCNN"
        }
    }

    /// Whether a kind's recipe is built by this family.
    public func builds(_ recipe: ModelRecipe) -> Bool {
        switch (self, recipe) {
        case (.transformer, .transformer), (.pseudoTokenTransformer, .pseudoTokenTransformer): return true
        case (.convStack, .convolutional), (.gridCNN, .convolutional): return true
        default: return false
        }
    }

    /// How the parameters start; nil for the families that always use the Kaiming scheme (the 1-D models).
    public var initialisation: InitialisationScheme? {
        switch self {
        case .pseudoTokenTransformer(let a): return a.initialisation
        case .gridCNN(let a): return a.initialisation
        case .transformer, .convStack: return nil
        }
    }

    /// The same architecture starting with `scheme`; nil when the family has no choice of initialisation.
    public func startingWith(_ scheme: InitialisationScheme) -> ModelArchitecture? {
        switch self {
        case .pseudoTokenTransformer(var a): a.initialisation = scheme; return .pseudoTokenTransformer(a)
        case .gridCNN(var a): a.initialisation = scheme; return .gridCNN(a)
        case .transformer, .convStack: return nil
        }
    }
}

/// What the Gaussian head's raw scale means and the floor it adds.
public struct HeadSpec: Codable, Sendable, Equatable {
    public var parameterisation: ScaleParameterisation
    public var floor: Float
    public init(parameterisation: ScaleParameterisation = .varianceSoftplus, floor: Float = GaussianHead.defaultFloor) {
        self.parameterisation = parameterisation; self.floor = floor
    }
    /// σ² = softplus(raw) + 10⁻⁶: the 1-D and environmental experiments' head.
    public static let variance = HeadSpec()
}

public struct TransformerArchitecture: Codable, Sendable, Equatable {
    public var sizes: TNP.Config
    public init(sizes: TNP.Config) { self.sizes = sizes }
}

public struct PseudoTokenArchitecture: Codable, Sendable, Equatable {
    public var sizes: TNP.Config
    /// M, the number of pseudo-tokens.
    public var pseudoTokens: Int
    public var head: HeadSpec
    public var initialisation: InitialisationScheme
    public init(sizes: TNP.Config, pseudoTokens: Int, head: HeadSpec = .variance, initialisation: InitialisationScheme = .kaiming) {
        self.sizes = sizes; self.pseudoTokens = pseudoTokens; self.head = head; self.initialisation = initialisation
    }
}

public struct ConvStackArchitecture: Codable, Sendable, Equatable {
    public var sizes: ConvCNP.Config
    public var kernelShape: KernelShape
    /// One SetConv grid for the batch, or one per task (the 1-D experiment).
    public var gridPlacement: GridPlacement
    public init(sizes: ConvCNP.Config, kernelShape: KernelShape = .perDimension, gridPlacement: GridPlacement = .batch) {
        self.sizes = sizes; self.kernelShape = kernelShape; self.gridPlacement = gridPlacement
    }
}

public struct GridCNNArchitecture: Codable, Sendable, Equatable {
    public enum Backbone: Codable, Sendable, Equatable {
        /// ConvCNP (T), (T̃) and RelaxedConvCNP (T̃).
        case unet(sizes: UNet.Config)
        /// EquivCNP (E), (Ẽ).
        case groupCNN(sizes: GroupCNN.Config)

        /// C, the channels the backbone takes and returns.
        public var channels: Int {
            switch self { case .unet(let c): return c.channels; case .groupCNN(let c): return c.channels }
        }
    }

    public enum Input: Codable, Sendable, Equatable {
        /// Gridded data: the on-grid encoder and decoder on this pixel lattice.
        case pixels(lattice: PixelLattice)
        /// Off-grid data: SetConv encoder and decoder on a grid of `pointsPerUnit` points per unit.
        case setConv(pointsPerUnit: Float, decoderLengthscales: Int, kernelShape: KernelShape)
    }

    public var backbone: Backbone
    public var input: Input
    public var head: HeadSpec
    public var initialisation: InitialisationScheme

    /// The architecture `recipe` builds from `sizes`: the U-Net for ConvCNPs, the group CNN for EquivCNPs; on pixels
    /// when `lattice` is given, else on a SetConv grid of `sizes.pointsPerUnit` (one isotropic lengthscale for the
    /// EquivCNPs unless `kernelShape` says otherwise, so that the model is rotation equivariant).
    public init(_ recipe: ModelRecipe.ConvRecipe, sizes: GridCNNPreset, lattice: PixelLattice?, kernelShape: KernelShape? = nil,
                head: HeadSpec = .variance, initialisation: InitialisationScheme = .kaiming) {
        backbone = recipe == .symmetric ? .groupCNN(sizes: sizes.groupCNN) : .unet(sizes: sizes.unet)
        if let lattice {
            input = .pixels(lattice: lattice)
        } else {
            input = .setConv(pointsPerUnit: sizes.pointsPerUnit, decoderLengthscales: sizes.decoderLengthscales,
                             kernelShape: kernelShape ?? (recipe == .symmetric ? .isotropic : .perDimension))
        }
        self.head = head; self.initialisation = initialisation
    }
}

extension ModelArchitecture: Codable {
    private enum FamilyKey: String, CodingKey { case family }

    public init(from decoder: Decoder) throws {
        let family = try decoder.container(keyedBy: FamilyKey.self).decode(String.self, forKey: .family)
        switch family {
        case "transformer": self = .transformer(try TransformerArchitecture(from: decoder))
        case "pseudoTokenTransformer": self = .pseudoTokenTransformer(try PseudoTokenArchitecture(from: decoder))
        case "convStack": self = .convStack(try ConvStackArchitecture(from: decoder))
        case "gridCNN": self = .gridCNN(try GridCNNArchitecture(from: decoder))
        default:
            throw DecodingError.dataCorruptedError(forKey: .family, in: try decoder.container(keyedBy: FamilyKey.self),
                                                   debugDescription: "unknown model family \(family)")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: FamilyKey.self)
        try container.encode(family, forKey: .family)
        switch self {
        case .transformer(let a): try a.encode(to: encoder)
        case .pseudoTokenTransformer(let a): try a.encode(to: encoder)
        case .convStack(let a): try a.encode(to: encoder)
        case .gridCNN(let a): try a.encode(to: encoder)
        }
    }
}

/// What a model is made of, as data: its family and the choices within the family. Properties of a kind
/// (approximately equivariant? which symmetry? does B vary?) are read off its recipe, and `ModelSpec.build`
/// dispatches on the family only, so a new family (pseudo-token TNPs, U-Net or group-CNN ConvCNPs) is one
/// more case here and one builder, not a copy of the existing ones.
public enum ModelRecipe: Sendable, Equatable {
    /// Transformer NPs: the plain TNP (`translationEquivariant` false) or the TE-TNP, with or without fixed inputs.
    case transformer(translationEquivariant: Bool, fixedInputs: Bool)
    /// Convolutional NPs with a `ConvStack` backbone of the given convolution; the relaxed kind carries its own
    /// position-dependent weights instead of fixed inputs.
    case convolutional(ConvRecipe, fixedInputs: Bool)
    /// Pseudo-token TNPs (IST style): the plain PT-TNP or the PT-TE-TNP, with or without fixed inputs.
    case pseudoTokenTransformer(translationEquivariant: Bool, fixedInputs: Bool)

    public enum ConvRecipe: Sendable, Equatable { case plain, symmetric, relaxed }

    /// Whether the model has a position-dependent part that breaks its symmetry (fixed inputs or relaxed weights).
    public var isApproximatelyEquivariant: Bool {
        switch self {
        case .transformer(_, let f), .pseudoTokenTransformer(_, let f): return f
        case .convolutional(let c, let f): return f || c == .relaxed
        }
    }

    /// Whether the number of fixed inputs B is a free choice (the RelaxedConvCNP's count is tied to C).
    public var takesFixedInputCount: Bool {
        switch self {
        case .transformer(_, let f), .convolutional(_, let f), .pseudoTokenTransformer(_, let f): return f
        }
    }
}

/// The models: the eight of the paper's 1-D experiment, then the pseudo-token TNPs of the smoke and
/// environmental experiments.
public enum ModelKind: String, CaseIterable, Codable, Sendable {
    case tnp = "tnp"
    case tnpT = "tnp-t"
    case tnpTApprox = "tnp-t-approx"
    case convCNPT = "convcnp-t"
    case convCNPTApprox = "convcnp-t-approx"
    case relaxedConvCNP = "relaxedconvcnp-t-approx"
    case equivCNPE = "equivcnp-e"
    case equivCNPEApprox = "equivcnp-e-approx"
    case ptTNP = "pt-tnp"
    case ptTNPT = "pt-tnp-t"
    case ptTNPTApprox = "pt-tnp-t-approx"

    public var recipe: ModelRecipe {
        switch self {
        case .tnp: return .transformer(translationEquivariant: false, fixedInputs: false)
        case .tnpT: return .transformer(translationEquivariant: true, fixedInputs: false)
        case .tnpTApprox: return .transformer(translationEquivariant: true, fixedInputs: true)
        case .convCNPT: return .convolutional(.plain, fixedInputs: false)
        case .convCNPTApprox: return .convolutional(.plain, fixedInputs: true)
        case .relaxedConvCNP: return .convolutional(.relaxed, fixedInputs: false)
        case .equivCNPE: return .convolutional(.symmetric, fixedInputs: false)
        case .equivCNPEApprox: return .convolutional(.symmetric, fixedInputs: true)
        case .ptTNP: return .pseudoTokenTransformer(translationEquivariant: false, fixedInputs: false)
        case .ptTNPT: return .pseudoTokenTransformer(translationEquivariant: true, fixedInputs: false)
        case .ptTNPTApprox: return .pseudoTokenTransformer(translationEquivariant: true, fixedInputs: true)
        }
    }

    /// Version of the code that computes this kind of model. Bump it when a fix changes what the model
    /// computes: every cached run of the kind gets a new cache key and is retrained, runs of other kinds stay
    /// valid. Version 1 leaves the key as it was before versioning existed.
    public var codeVersion: Int { 1 }

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
        case .ptTNP: return "PT-TNP"
        case .ptTNPT: return "PT-TNP (T)"
        case .ptTNPTApprox: return "PT-TNP (T\u{303})"
        }
    }

    /// Approximately equivariant models (with fixed inputs or relaxed weights).
    public var isApproximatelyEquivariant: Bool { recipe.isApproximatelyEquivariant }

    /// Whether the number of fixed inputs B is a free choice (the RelaxedConvCNP's count is tied to C).
    public var takesFixedInputCount: Bool { recipe.takesFixedInputCount }

    /// The symmetry the model (or its equivariant component) has exactly.
    public var symmetry: String {
        switch recipe {
        case .transformer(let te, _), .pseudoTokenTransformer(let te, _): return te ? "translations" : "none"
        case .convolutional(let c, _): return c == .symmetric ? "translations and reflections" : "translations"
        }
    }

    /// The model class (row group of the paper's tables).
    public var modelClass: String {
        switch recipe {
        case .transformer: return "TNP"
        case .pseudoTokenTransformer: return "PT-TNP"
        case .convolutional(let c, _): return c == .symmetric ? "EquivCNP" : "ConvCNP"
        }
    }
}

/// The experiments' ways of making a `ModelSpec`: one constructor per family of settings. Each fills the fixed inputs
/// for exactly the approximately equivariant kinds, with B resolved (the paper's default when not given), so a
/// default and its explicit value are the same spec.
extension ModelSpec {
    /// The fixed inputs a kind gets, or nil for a kind without them. `count` nil: the paper's default (4 Fourier
    /// coefficients for the TNP (T̃), D_z for the PT-TNP (T̃), C for the CNNs); the RelaxedConvCNP's is always its
    /// C. `divisor` scales positions, `fourierRange` is the TNP (T̃)'s longest wavelength.
    static func fixedInputs(for kind: ModelKind, count: Int?, width: Int, domain: DomainBox, seenDimensions: [Int]?, divisor: Float,
                            fourierRange: Float, dropout: Double) -> FixedInputSpec? {
        guard kind.isApproximatelyEquivariant else { return nil }
        if kind == .tnpTApprox {
            return FixedInputSpec(count: count ?? 4, domain: domain, seenDimensions: seenDimensions, positions: .fourier(range: fourierRange),
                                  dropout: dropout)
        }
        let b = kind.takesFixedInputCount ? (count ?? width) : width
        return FixedInputSpec(count: b, domain: domain, seenDimensions: seenDimensions, positions: .scaled(divisor: divisor), dropout: dropout)
    }

    /// The 1-D Gibbs-GP experiment's models (Docs/paper-spec.md §5.1): fixed inputs zero outside (−7, 7), positions
    /// divided by 7 for the CNNs, Fourier range 14 for the TNP (T̃); dropout 0.5 for the TNPs and the RelaxedConvCNP,
    /// 0.1 for the ConvCNP (T̃) and EquivCNP (Ẽ) (A12). `gridPlacement` nil: one SetConv grid for the batch.
    public static func gibbs1D(_ kind: ModelKind, preset: ModelPreset, fixedInputCount: Int? = nil,
                               gridPlacement: GridPlacement? = .perTask) -> ModelSpec {
        let domain = DomainBox(lower: [-7], upper: [7])
        switch kind.recipe {
        case .transformer, .pseudoTokenTransformer:
            return attention(kind, sizes: preset.tnp, inputDimension: 1, domain: domain, fixedInputCount: fixedInputCount,
                             positionDivisor: 7, fourierRange: 14)
        case .convolutional(let recipe, _):
            return convStack(kind, sizes: preset.convCNP, inputDimension: 1, domain: domain, fixedInputCount: fixedInputCount, positionDivisor: 7,
                             dropout: recipe == .relaxed ? 0.5 : 0.1, gridPlacement: gridPlacement ?? .batch)
        }
    }

    /// A ConvCNP, RelaxedConvCNP or EquivCNP on a `ConvStack` in `inputDimension` dimensions (the 1-D experiment's
    /// family; reflection-symmetric kernels are 1-D only): fixed inputs zero outside `domain`, positions divided by
    /// `positionDivisor`, dropped with probability `dropout`.
    public static func convStack(_ kind: ModelKind, sizes: ConvCNP.Config, inputDimension: Int, domain: DomainBox, fixedInputCount: Int? = nil,
                                 positionDivisor: Float, dropout: Double, gridPlacement: GridPlacement = .batch) -> ModelSpec {
        ModelSpec(kind: kind, inputDimension: inputDimension, architecture: .convStack(ConvStackArchitecture(sizes: sizes, gridPlacement: gridPlacement)),
                  fixedInputs: fixedInputs(for: kind, count: fixedInputCount, width: sizes.channels, domain: domain, seenDimensions: nil,
                                           divisor: positionDivisor, fourierRange: 14, dropout: dropout))
    }

    /// A transformer or pseudo-token transformer model with `sizes`: fixed inputs zero outside `domain` (a box over
    /// `seenDimensions`, all by default), positions divided by `positionDivisor` (the PT-TNP (T̃)) or as Fourier
    /// features up to `fourierRange` (the TNP (T̃)), dropped with probability `dropout` (0.5, Docs/paper-spec.md §5.1).
    /// `pseudoTokens` nil: M = D_z.
    public static func attention(_ kind: ModelKind, sizes: TNP.Config, inputDimension: Int, outputDimension: Int = 1, domain: DomainBox,
                                 fixedInputCount: Int? = nil, seenDimensions: [Int]? = nil, positionDivisor: Float = 1,
                                 fourierRange: Float = 14, dropout: Double = 0.5, pseudoTokens: Int? = nil, head: HeadSpec = .variance,
                                 initialisation: InitialisationScheme = .kaiming) -> ModelSpec {
        let architecture: ModelArchitecture
        switch kind.recipe {
        case .transformer:
            precondition(pseudoTokens == nil && head == .variance && initialisation == .kaiming,
                         "the TNPs have no pseudo-tokens, a variance head and the Kaiming initialisation")
            architecture = .transformer(TransformerArchitecture(sizes: sizes))
        case .pseudoTokenTransformer:
            architecture = .pseudoTokenTransformer(PseudoTokenArchitecture(sizes: sizes, pseudoTokens: pseudoTokens ?? sizes.width, head: head,
                                                                           initialisation: initialisation))
        case .convolutional:
            preconditionFailure("\(kind.displayName) is a convolutional model")
        }
        return ModelSpec(kind: kind, inputDimension: inputDimension, outputDimension: outputDimension, architecture: architecture,
                         fixedInputs: fixedInputs(for: kind, count: fixedInputCount, width: sizes.width, domain: domain,
                                                  seenDimensions: seenDimensions, divisor: positionDivisor, fourierRange: fourierRange,
                                                  dropout: dropout))
    }

    /// A 2-D convolutional model with the smoke column's settings (Docs/paper-spec.md §5.1): the U-Net (ConvCNPs) or
    /// the group CNN (EquivCNPs) of `sizes`, fixed-input dropout 0.5 for every model, positions fed to the fixed-input
    /// MLP as they are (they are standardised, Docs/paper-spec.md A7), σ = softplus(raw) for the smoke experiment's
    /// head when `standardDeviationHead`. `lattice` nil: off-grid data on the SetConv path (one isotropic lengthscale
    /// for the EquivCNPs). `domain`: fixed inputs are zero outside it (smoke states no zeroing: pass a box that
    /// encloses the frame).
    public static func grid2D(_ kind: ModelKind, sizes: GridCNNPreset, lattice: PixelLattice?, domain: DomainBox,
                              fixedInputCount: Int? = nil, outputDimension: Int = 1, standardDeviationHead: Bool = false,
                              scaleFloor: Float = GaussianHead.defaultFloor, dropout: Double = 0.5,
                              initialisation: InitialisationScheme = .kaiming) -> ModelSpec {
        guard case .convolutional(let recipe, _) = kind.recipe else { preconditionFailure("\(kind.displayName) is not a CNN model") }
        precondition(domain.lower.count == 2, "2-D models need a 2-D fixed-input domain")
        let head = HeadSpec(parameterisation: standardDeviationHead ? .standardDeviationSoftplus : .varianceSoftplus, floor: scaleFloor)
        let architecture = GridCNNArchitecture(recipe, sizes: sizes, lattice: lattice, head: head, initialisation: initialisation)
        return ModelSpec(kind: kind, inputDimension: 2, outputDimension: outputDimension, architecture: .gridCNN(architecture),
                         fixedInputs: fixedInputs(for: kind, count: fixedInputCount, width: architecture.backbone.channels, domain: domain,
                                                  seenDimensions: nil, divisor: 1, fourierRange: 1, dropout: dropout))
    }
}

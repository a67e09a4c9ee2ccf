import NPAutodiff
import NPNN
import NPTensor

/// Building the 2-D convolutional models from a `ModelSpec` with `gridCNN` set: the same composition as the 1-D
/// models (`ConvCNP`), with the U-Net or the group CNN as backbone and, for gridded data (`pixelLattice`), the
/// on-grid encoder and decoder instead of the SetConv.
extension ModelSpec {
    /// A 2-D convolutional model's specification with the smoke column's settings (Docs/paper-spec.md §5.1): fixed-input
    /// dropout 0.5 for every model, positions fed to the fixed-input MLP as they are (they are standardised,
    /// Docs/paper-spec.md A7), σ = softplus(raw) for the smoke experiment's head when `standardDeviationHead`.
    /// `lattice` nil: off-grid data on the SetConv path (one isotropic lengthscale for the EquivCNPs). `domain`:
    /// fixed inputs are zero outside it (smoke states no zeroing: pass a box that encloses the frame). The 1-D
    /// fields `preset` and `fourierRange` are set to fixed values the CNN models do not read.
    public static func grid2D(_ kind: ModelKind, sizes: GridCNNPreset, lattice: PixelLattice?, domain: DomainBox,
                              fixedInputCount: Int? = nil, outputDimension: Int? = nil, standardDeviationHead: Bool = false) -> ModelSpec {
        require(domain.lower.count == 2, "2-D models need a 2-D fixed-input domain")
        var spec = ModelSpec(kind: kind, preset: .quick, fixedInputCount: fixedInputCount, domain: domain, fourierRange: 1,
                             inputDimension: 2, outputDimension: outputDimension)
        spec.gridCNN = sizes
        spec.pixelLattice = lattice
        spec.positionScale = 1
        spec.dropoutConvCNP = 0.5; spec.dropoutEquivCNP = 0.5; spec.dropoutRelaxed = 0.5
        if standardDeviationHead { spec.scaleParameterisation = .standardDeviationSoftplus }
        return spec
    }

    /// C of the convolutional model the spec builds.
    var convolutionalChannels: Int {
        guard let gridCNN, case .convolutional(let recipe, _) = kind.recipe else { return preset.convCNP.channels }
        return gridCNN.channels(for: recipe)
    }

    func buildGridConvolutional(_ recipe: ModelRecipe.ConvRecipe, fixed: Bool, sizes: GridCNNPreset,
                                rng: inout RandomGenerator) -> NeuralProcess {
        require(dx == 2, "the U-Net and group-CNN models are 2-D; this spec has dx = \(dx)")
        let store = ParameterStore(), root = store.root
        let c = sizes.channels(for: recipe), b = resolvedFixedInputCount, scheme = initialisationScheme
        let dropout: Double
        switch recipe { case .plain: dropout = dropoutConvCNP; case .symmetric: dropout = dropoutEquivCNP; case .relaxed: dropout = dropoutRelaxed }
        let positional = FixedInputsConfig(count: b, hiddenWidth: c, domain: domain, dropoutProbability: dropout, inputScale: positionScale,
                                           inputDimensions: fixedInputDimensions)

        let encoder: GridEncoder, decoder: GridDecoder
        if let lattice = pixelLattice {
            require(lattice.dimension == 2, "a \(lattice.dimension)-D pixel lattice for a 2-D model")
            encoder = OnGridEncoder(root.child("encoder"), lattice: lattice, outputDimension: dy, channels: c, rng: &rng)
            decoder = OnGridDecoder(lattice: lattice)
        } else {
            // The EquivCNPs' SetConv has one isotropic lengthscale, so that it is rotation equivariant (Docs/paper-spec.md §5.8).
            let shape = kernelShape ?? (recipe == .symmetric ? .isotropic : .perDimension)
            let ppu: [Float] = [sizes.pointsPerUnit, sizes.pointsPerUnit]
            let setConv = SetConvEncoder(root.child("encoder"), outputDimension: dy, channels: c, pointsPerUnit: ppu, kernelShape: shape, rng: &rng)
            encoder = OffGridSetConvEncoder(setConv: setConv, pointsPerUnit: ppu, margin: 0.1, channels: c)
            decoder = SetConvDecoder(root.child("decoder"), kernels: sizes.decoderLengthscales, pointsPerUnit: ppu, kernelShape: shape,
                                     normalised: scheme.normalisedDecoder)
        }
        let fixedInputs = fixed && b > 0 ? FixedInputs(root.child("fixed_inputs"), config: positional, inputDimension: 2, outputChannels: c, rng: &rng) : nil
        let backbone: GridBackbone
        switch recipe {
        case .plain: backbone = UNet(root.child("unet"), config: sizes.unet, rng: &rng)
        case .relaxed: backbone = UNet(root.child("unet"), config: sizes.unet, relaxed: positional, relaxationScale: scheme.relaxationScale, rng: &rng)
        case .symmetric: backbone = GroupCNN(root.child("group_cnn"), config: sizes.groupCNN, fanInInitialisation: scheme.fanInGroupConvolutions, rng: &rng)
        }
        let head = GaussianHead(root.child("head"), inputs: decoder.featureMultiplier * c, hidden: c, outputDimension: dy,
                                parameterisation: scaleParameterisation ?? .varianceSoftplus,
                                floor: scaleFloor ?? GaussianHead.defaultFloor, initialisation: scheme, rng: &rng)
        return ConvCNP(parameters: store, encoder: encoder, fixedInputs: fixedInputs, backbone: backbone, decoder: decoder, head: head,
                       inputDimension: 2)
    }
}

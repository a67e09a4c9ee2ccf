import NPAutodiff
import NPNN
import NPTensor

/// Building the 2-D convolutional models: the same composition as the 1-D models (`ConvCNP`), with the U-Net or the
/// group CNN as backbone and, for gridded data, the on-grid encoder and decoder instead of the SetConv.
extension ModelSpec {
    func buildGridConvolutional(_ a: GridCNNArchitecture, recipe: ModelRecipe.ConvRecipe, rng: inout RandomGenerator) -> NeuralProcess {
        let store = ParameterStore(), root = store.root
        let c = a.backbone.channels, scheme = a.initialisation
        let positional = fixedInputs?.config(hiddenWidth: c, dx: 2)

        let encoder: GridEncoder, decoder: GridDecoder
        switch a.input {
        case .pixels(let lattice):
            encoder = OnGridEncoder(root.child("encoder"), lattice: lattice, outputDimension: dy, channels: c, rng: &rng)
            decoder = OnGridDecoder(lattice: lattice)
        case .setConv(let pointsPerUnit, let lengthscales, let shape):
            let ppu: [Float] = [pointsPerUnit, pointsPerUnit]
            let setConv = SetConvEncoder(root.child("encoder"), outputDimension: dy, channels: c, pointsPerUnit: ppu, kernelShape: shape, rng: &rng)
            encoder = OffGridSetConvEncoder(setConv: setConv, pointsPerUnit: ppu, margin: 0.1, channels: c)
            decoder = SetConvDecoder(root.child("decoder"), kernels: lengthscales, pointsPerUnit: ppu, kernelShape: shape,
                                     normalised: scheme.normalisedDecoder)
        }
        let addedInputs = recipe == .relaxed ? nil : positional
        let fixed = addedInputs.map { FixedInputs(root.child("fixed_inputs"), config: $0, inputDimension: 2, outputChannels: c, rng: &rng) }
        let backbone: GridBackbone
        switch (a.backbone, recipe) {
        case (.unet(let sizes), .relaxed):
            backbone = UNet(root.child("unet"), config: sizes, relaxed: positional, relaxationScale: scheme.relaxationScale, rng: &rng)
        case (.unet(let sizes), _):
            backbone = UNet(root.child("unet"), config: sizes, rng: &rng)
        case (.groupCNN(let sizes), _):
            backbone = GroupCNN(root.child("group_cnn"), config: sizes, fanInInitialisation: scheme.fanInGroupConvolutions, rng: &rng)
        }
        let head = GaussianHead(root.child("head"), inputs: decoder.featureMultiplier * c, hidden: c, outputDimension: dy,
                                parameterisation: a.head.parameterisation, floor: a.head.floor, initialisation: scheme, rng: &rng)
        return ConvCNP(parameters: store, encoder: encoder, fixedInputs: fixed, backbone: backbone, decoder: decoder, head: head,
                       inputDimension: 2)
    }
}

extension GridCNNArchitecture {
    /// The pixel lattice of gridded data (nil: the SetConv path).
    public var pixelLattice: PixelLattice? {
        if case .pixels(let lattice) = input { return lattice }
        return nil
    }
    /// The SetConv grid's points per unit (nil: on pixels).
    public var setConvPointsPerUnit: Float? {
        if case .setConv(let ppu, _, _) = input { return ppu }
        return nil
    }
}

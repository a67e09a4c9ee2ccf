import NPAutodiff
import NPNN
import NPTensor

// Shapes: m tasks, nc / nt context / target points, dx inputs, dy outputs, G grid points, c channels.

/// The convolutional NP family as one composition: encoder (context → grid) → (+ fixed inputs t(grid)) →
/// backbone (grid → grid) → decoder (grid → targets) → Gaussian head.
///
/// ConvCNP (T) is a SetConv encoder, a plain CNN and a SetConv decoder; ConvCNP (T̃) adds fixed inputs;
/// RelaxedConvCNP (T̃) uses relaxed convolutions; the 1-D EquivCNP (E)/(Ẽ) symmetric convolutions. Other
/// encoders (the on-grid encoder of gridded data) and backbones (U-Net, group CNN) plug in through the
/// `GridEncoder`, `GridBackbone` and `GridDecoder` protocols.
public final class ConvCNP: NeuralProcess {
    public let parameters: ParameterStore
    public let encoder: GridEncoder
    public let fixedInputs: FixedInputs?
    public let backbone: GridBackbone
    public let decoder: GridDecoder
    public let head: GaussianHead
    public let inputDimension: Int

    /// The 1-D sizes of the paper's CNN family (Docs/paper-spec.md §5.1).
    public struct Config: Codable, Sendable, Equatable {
        public var channels: Int
        public var layers: Int
        public var kernel: Int
        public var pointsPerUnit: Float
        public var margin: Float = 0.1
        public var decoderLengthscales: Int = 5
        public init(channels: Int, layers: Int, kernel: Int, pointsPerUnit: Float, margin: Float = 0.1, decoderLengthscales: Int = 5) {
            self.channels = channels; self.layers = layers; self.kernel = kernel
            self.pointsPerUnit = pointsPerUnit; self.margin = margin; self.decoderLengthscales = decoderLengthscales
        }
    }

    /// The parts, built in a `ParameterStore` the caller made (parameter names are the scopes the parts were
    /// built under).
    public init(parameters: ParameterStore, encoder: GridEncoder, fixedInputs: FixedInputs?, backbone: GridBackbone,
                decoder: GridDecoder, head: GaussianHead, inputDimension: Int) {
        require(fixedInputs == nil || fixedInputs!.outputChannels == encoder.channels,
                     "fixed inputs of \(fixedInputs!.outputChannels) channels added to an encoding of \(encoder.channels)")
        require(backbone.channels == encoder.channels, "backbone of \(backbone.channels) channels after an encoder of \(encoder.channels)")
        self.parameters = parameters; self.encoder = encoder; self.fixedInputs = fixedInputs
        self.backbone = backbone; self.decoder = decoder; self.head = head; self.inputDimension = inputDimension
    }

    /// The off-grid composition: SetConv encoder, a `ConvStack` of `convolution`, SetConv decoder, in `dx`
    /// input dimensions with the same points per unit along every axis.
    public convenience init(config: Config, convolution: ConvKind, fixedInputs fixed: FixedInputsConfig?,
                            inputDimension dx: Int = 1, outputDimension dy: Int = 1, kernelShape: KernelShape = .perDimension,
                            gridPlacement: GridPlacement = .batch, rng: inout RandomGenerator) {
        let store = ParameterStore()
        let c = config.channels
        let ppu = [Float](repeating: config.pointsPerUnit, count: dx)
        let setConv = SetConvEncoder(store.root.child("encoder"), outputDimension: dy, channels: c, pointsPerUnit: ppu,
                                     kernelShape: kernelShape, rng: &rng)
        let encoder = OffGridSetConvEncoder(setConv: setConv, pointsPerUnit: ppu, margin: config.margin, channels: c,
                                            placement: gridPlacement)
        let fixedInputs = fixed.map { FixedInputs(store.root.child("fixed_inputs"), config: $0, inputDimension: dx, outputChannels: c, rng: &rng) }
        let backbone = ConvStack(store.root.child("cnn"), layers: config.layers, channels: c, kernel: config.kernel, kind: convolution,
                                 inputDimension: dx, rng: &rng)
        let decoder = SetConvDecoder(store.root.child("decoder"), kernels: config.decoderLengthscales, pointsPerUnit: ppu, kernelShape: kernelShape)
        let head = GaussianHead(store.root.child("head"), inputs: config.decoderLengthscales * c, hidden: c, outputDimension: dy, rng: &rng)
        self.init(parameters: store, encoder: encoder, fixedInputs: fixedInputs, backbone: backbone, decoder: decoder, head: head,
                  inputDimension: dx)
    }

    public var fixedInputDropout: Double? { fixedInputs?.config.dropoutProbability ?? backbone.fixedInputDropout }

    public func predict(_ tape: Tape, context: ContextSet, xt: Tensor, fixedInputs sw: FixedInputSwitch) -> Prediction {
        require(context.x.shape[2] == inputDimension && xt.shape[2] == inputDimension,
                     "a \(inputDimension)-D model given inputs of dimension \(context.x.shape[2]) (context) and \(xt.shape[2]) (targets)")
        let grid = encoder.grid(context: context, targets: xt, multipleOf: backbone.gridMultiple)
        let positions = grid.positions(tasks: context.x.shape[0])
        var z = encoder(tape, context, grid: grid, positions: positions)
        if let fixedInputs { z = tape.add(z, fixedInputs(tape, positions: positions, switch: sw)) }   // CNN(ẽ(D) + t)
        z = backbone(tape, z, grid: grid, switch: sw)
        return head(tape, decoder(tape, z, grid: grid, positions: positions, xt: xt))
    }
}

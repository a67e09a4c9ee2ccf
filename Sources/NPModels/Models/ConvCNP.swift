import NPAutodiff
import NPNN
import NPTensor

// Shapes: m tasks, nc / nt context / target points, dx = 1, dy outputs, g grid points, c channels.

/// The ConvCNP family as one composition: SetConv encoder → (+ fixed inputs) → CNN → SetConv decoder →
/// Gaussian head. ConvCNP (T) has plain convolutions and no fixed inputs; ConvCNP (T̃) adds fixed inputs;
/// RelaxedConvCNP (T̃) uses relaxed convolutions; EquivCNP (E)/(Ẽ) use symmetric convolutions.
public final class ConvCNP: NeuralProcess {
    public let parameters: ParameterStore
    public let encoder: SetConvEncoder
    public let fixedInputs: FixedInputs?
    public let backbone: ConvStack
    public let decoder: SetConvDecoder
    public let head: GaussianHead
    public let pointsPerUnit: Float
    public let margin: Float

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

    public init(config: Config, convolution: ConvKind, fixedInputs fixed: FixedInputsConfig?, outputDimension dy: Int = 1,
                rng: inout RandomGenerator) {
        let store = ParameterStore()
        let c = config.channels
        parameters = store
        encoder = SetConvEncoder(store.root.child("encoder"), outputDimension: dy, channels: c, pointsPerUnit: config.pointsPerUnit, rng: &rng)
        fixedInputs = fixed.map { FixedInputs(store.root.child("fixed_inputs"), config: $0, inputDimension: 1, outputChannels: c, rng: &rng) }
        backbone = ConvStack(store.root.child("cnn"), layers: config.layers, channels: c, kernel: config.kernel, kind: convolution, rng: &rng)
        decoder = SetConvDecoder(store.root.child("decoder"), kernels: config.decoderLengthscales, pointsPerUnit: config.pointsPerUnit)
        head = GaussianHead(store.root.child("head"), inputs: config.decoderLengthscales * c, hidden: c, outputDimension: dy, rng: &rng)
        pointsPerUnit = config.pointsPerUnit
        margin = config.margin
    }

    public var fixedInputDropout: Double? { fixedInputs?.config.dropoutProbability ?? backbone.relaxedDropout }

    public func predict(_ tape: Tape, xc: Tensor, yc: Tensor, xt: Tensor, fixedInputs sw: FixedInputSwitch) -> Prediction {
        precondition(xc.shape[2] == 1, "this ConvCNP is 1-D; got dx = \(xc.shape[2])")
        let m = xc.shape[0]
        let grid = Grid1D(covering: [xc, xt], pointsPerUnit: pointsPerUnit, margin: margin).positions(tasks: m)
        var z = encoder(tape, xc: xc, yc: yc, grid: grid)
        if let fixedInputs { z = tape.add(z, fixedInputs(tape, positions: grid, switch: sw)) }   // CNN(ẽ(D) + t)
        z = backbone(tape, z, grid: grid, switch: sw)
        return head(tape, decoder(tape, z, grid: grid, xt: xt))
    }
}

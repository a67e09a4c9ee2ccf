import NPAutodiff
import NPNN
import NPTensor

// Shapes: m tasks, G grid points, c channels; grid values are flat channels-last [m, G, c] (see `Grid`).

/// The 2-D U-Net of the smoke and environmental ConvCNPs (Docs/paper-spec.md §5.5, the authors' `UNet`): `levels` down
/// blocks (convolution, keep the result for the skip connection, 2×2 max-pooling), a bottleneck convolution,
/// `levels` up blocks (bilinear up-sampling with aligned corners to the skip's size, concatenation with the skip,
/// convolution). Channels double on the way down from C, capped at `maxChannels`, and halve on the way up back to
/// C; every convolution is stride 1, "same", kernel k, with a ReLU before it. At paper size (C = 16, 4 levels,
/// cap 256): 9 convolutions with outputs [32, 64, 128, 256, 256, 128, 64, 32, 16].
///
/// Relaxed (RelaxedConvCNP (T̃), Docs/paper-spec.md §5.7, A20): every convolution sees f ⊙ (1 + t(v)), t an MLP of the
/// positions of the grid it runs on (the input grid pooled 2^level times, via `Grid.pooled`), one value per input
/// channel; all of them use the batch's one fixed-input switch. With t ≡ 0 it is the ordinary U-Net.
public struct UNet: GridBackbone {
    public struct Config: Codable, Sendable, Equatable {
        /// C, channels in and out.
        public var channels: Int
        /// Poolings (4 in the paper: 9 convolutions).
        public var levels: Int
        public var kernel: Int
        public var maxChannels: Int = 256
        public init(channels: Int, levels: Int, kernel: Int, maxChannels: Int = 256) {
            self.channels = channels; self.levels = levels; self.kernel = kernel; self.maxChannels = maxChannels
        }

        /// Output channels of down block i (0 ..< levels): C · 2^(i+1), capped.
        public func downChannels(_ i: Int) -> Int { min(channels << (i + 1), maxChannels) }
        /// (input, output) channels of every convolution in order: down blocks, bottleneck, up blocks (deepest first).
        public var convolutionChannels: [(inputs: Int, outputs: Int)] {
            let down = (0..<levels).map { (i: Int) in (i == 0 ? channels : downChannels(i - 1), downChannels(i)) }
            let bottom = levels == 0 ? channels : downChannels(levels - 1)
            var up: [(Int, Int)] = []
            var below = bottom
            for i in stride(from: levels - 1, through: 0, by: -1) {
                let out = i == 0 ? channels : downChannels(i - 1)
                up.append((below + downChannels(i), out)); below = out
            }
            return (down + [(bottom, bottom)] + up).map { (inputs: $0.0, outputs: $0.1) }
        }
    }

    struct Block { let conv: Conv; let relaxation: FixedInputs? }
    /// Down blocks, bottleneck, up blocks (deepest first), in the order of `Config.convolutionChannels`.
    let blocks: [Block]
    public let config: Config
    public var channels: Int { config.channels }
    public var gridMultiple: Int { 1 << config.levels }
    public let relaxation: FixedInputsConfig?
    /// The factor t is multiplied by in f ⊙ (1 + t) (`InitialisationScheme.relaxationScale`).
    public let relaxationScale: Float
    public var fixedInputDropout: Double? { relaxation?.dropoutProbability }

    /// `relaxed`: the fixed-input settings of relaxed convolutions (their count is replaced by each convolution's
    /// input channels); nil: ordinary convolutions.
    public init(_ scope: ParameterScope, config: Config, relaxed: FixedInputsConfig? = nil, relaxationScale: Float = 1,
                rng: inout RandomGenerator) {
        require(config.levels >= 0 && config.channels >= 1 && config.kernel >= 1, "U-Net config \(config) is not valid")
        self.config = config
        relaxation = relaxed
        self.relaxationScale = relaxationScale
        blocks = config.convolutionChannels.enumerated().map { i, io in
            let conv = Conv(scope.child("conv\(i)"), kernel: [config.kernel, config.kernel], inputs: io.inputs, outputs: io.outputs, rng: &rng)
            let relax = relaxed.map { cfg -> FixedInputs in
                var perChannel = cfg
                perChannel.count = io.inputs
                return FixedInputs(scope.child("relax\(i)"), config: perChannel, inputDimension: 2, outputChannels: io.inputs, rng: &rng)
            }
            return Block(conv: conv, relaxation: relax)
        }
    }

    /// The same network with every relaxation removed (t ≡ 0): the ordinary U-Net with the same weights.
    public func withoutRelaxation() -> UNet {
        UNet(blocks: blocks.map { Block(conv: $0.conv, relaxation: nil) }, config: config, relaxation: nil, relaxationScale: 1)
    }

    private init(blocks: [Block], config: Config, relaxation: FixedInputsConfig?, relaxationScale: Float) {
        self.blocks = blocks; self.config = config; self.relaxation = relaxation; self.relaxationScale = relaxationScale
    }

    /// ReLU, relaxation at `grid`'s positions, convolution, bias; `h` spatial [m, s₁, s₂, c].
    func apply(_ tape: Tape, _ block: Block, _ h: Variable, grid: Grid, switch sw: FixedInputSwitch) -> Variable {
        var h = tape.relu(h)
        if let t = block.relaxation {   // f ⊙ (1 + t), t at this level's grid positions
            var tv = t(tape, positions: grid.positions(tasks: h.shape[0]), switch: sw)
            if relaxationScale != 1 { tv = tape.affine(tv, scale: relaxationScale) }
            h = tape.scaledByOnePlus(h, grid.spatial(tape, tv))
        }
        return tape.add(tape.conv(h, block.conv.weight), block.conv.bias!)
    }

    public func callAsFunction(_ tape: Tape, _ z: Variable, grid: Grid, switch sw: FixedInputSwitch) -> Variable {
        require(grid.dimension == 2, "the U-Net is 2-D, given a \(grid.dimension)-D grid")
        require(grid.shape.allSatisfy { $0 % gridMultiple == 0 }, "grid \(grid.shape) is not a multiple of \(gridMultiple)")
        require(z.shape == [z.shape[0], grid.count, channels], "U-Net of \(channels) channels given \(z.shape) on \(grid.shape)")
        let levels = config.levels
        var grids = [grid]
        for _ in 0..<levels { grids.append(grids.last!.pooled(by: 2)) }
        var h = grid.spatial(tape, z)
        var skips: [Variable] = []
        for i in 0..<levels {
            h = apply(tape, blocks[i], h, grid: grids[i], switch: sw)
            skips.append(h)
            h = tape.maxPool2x2(h)
        }
        h = apply(tape, blocks[levels], h, grid: grids[levels], switch: sw)
        for (j, i) in stride(from: levels - 1, through: 0, by: -1).enumerated() {
            let skip = skips[i]
            h = tape.upsampleBilinear(h, height: skip.shape[1], width: skip.shape[2])
            h = apply(tape, blocks[levels + 1 + j], tape.concat([h, skip], axis: -1), grid: grids[i], switch: sw)
        }
        return grid.flat(tape, h)
    }
}

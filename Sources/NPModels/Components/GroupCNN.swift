import NPAutodiff
import NPNN
import NPTensor

// Shapes: m tasks, G grid points, c channels; grid values are flat channels-last [m, G, c]. A regular field has
// one channel per group element; `fields` regular fields are stored group-major: channel g · fields + f.

/// A group convolution over the square lattice and a dihedral group D_N (N = 4: p4m; N = 8: the paper's
/// rotations by multiples of 45°, Docs/paper-spec.md §13.2), as one ordinary 2-D convolution whose weight is made of the learned
/// filter in all 2N transformed versions.
///
/// Lifting (scalar channels → regular fields): out(x, g) = Σ_t f(x + t) · ψ(g⁻¹ t).
/// Group (regular → regular): out(x, g) = Σ_t Σ_h F(x + t, h) · Ψ(g⁻¹ t, g⁻¹ h).
/// Both satisfy out[L_r f](x, g) = out[f](r⁻¹ x, r⁻¹ g) for every lattice symmetry r (with translations: p4m)
/// exactly, because for those the transformed filters are permutations of the learned taps; D8's 45° elements
/// read ψ bilinearly at off-lattice points (`DihedralGroup.kernelResampling`), which is approximate. One bias per
/// field, shared by its 2N channels.
public struct GroupConv {
    public enum Kind: Sendable, Equatable { case lifting, regular }
    public let kind: Kind
    public let group: DihedralGroup
    /// Lifting [k·k, cin, fields]; regular [k·k·|G|, fieldsIn, fieldsOut] (taps, then input group element).
    public let weight: Variable
    public let bias: Variable
    public let kernel: Int
    public let inputs: Int
    public let outputs: Int

    /// `fanIn`: Kaiming normal scaled by the effective fan-in of the transformed filters — the inputs times the mean
    /// over group elements of Σ (resampling weight)² over their taps, which counts only the taps on the kernel's
    /// disk and the shrinkage of bilinear resampling — so that the layer keeps its activations' scale
    /// (`InitialisationScheme.calibrated`); otherwise by the fan-out of the equivalent ordinary convolution
    /// (|G| · outputs channels), which shrinks them by up to |G| per layer.
    public init(_ scope: ParameterScope, kind: Kind, group: DihedralGroup = .d4, kernel k: Int, inputs: Int, outputs: Int,
                fanIn: Bool = false, rng: inout RandomGenerator) {
        require(k % 2 == 1, "group convolutions need an odd kernel, got \(k)")
        let n = group.order
        let rows = kind == .lifting ? k * k : k * k * n
        let scale: Int
        if fanIn {
            let mass = (0..<n).map { g in
                Self.rowTerms(kind, group, element: g, kernel: k).reduce(0.0) { $0 + $1.reduce(0.0) { $0 + Double($1.weight * $1.weight) } }
            }.reduce(0, +) / Double(n)
            scale = max(1, Int((Double(inputs) * mass).rounded()))
        } else {
            scale = k * k * n * outputs
        }
        weight = scope.make("weight", Initialiser.kaimingNormalFanOut.sample([rows, inputs, outputs], fanIn: rows * inputs,
                                                                              fanOut: scale, using: &rng))
        bias = scope.make("bias", .zeros([outputs]))
        self.kind = kind; self.group = group; kernel = k; self.inputs = inputs; self.outputs = outputs
    }

    /// Input channels of the equivalent ordinary convolution.
    public var inputChannels: Int { kind == .lifting ? inputs : inputs * group.order }
    public var outputChannels: Int { outputs * group.order }

    /// For element g, the (row, weight) terms of `weight` that each row of the transformed filter sums.
    static func rowTerms(_ kind: Kind, _ group: DihedralGroup, element g: Int, kernel k: Int) -> [[(row: Int, weight: Float)]] {
        let taps = group.kernelResampling(element: g, kernel: k).map { $0.map { (row: $0.tap, weight: Float($0.weight)) } }
        guard kind == .regular else { return taps }
        let n = group.order, inv = group.inverse(g)
        return (0..<(k * k * n)).map { row in taps[row / n].map { (row: $0.row * n + group.product(inv, row % n), weight: $0.weight) } }
    }

    /// The ordinary convolution weight [k, k, inputChannels, outputChannels]: output block g is the filter
    /// transformed by g.
    public func expandedWeight(_ tape: Tape) -> Variable { Self.expand(tape, weight, kind: kind, group: group, kernel: kernel) }

    /// `expandedWeight` for a filter `w` of this layer's layout ([k·k, cin, f] lifting, [k·k·|G|, fin, f] regular).
    public static func expand(_ tape: Tape, _ w: Variable, kind: Kind, group: DihedralGroup = .d4, kernel k: Int) -> Variable {
        let n = group.order
        require(w.shape.count == 3 && w.shape[0] == (kind == .lifting ? k * k : k * k * n), "group filter \(w.shape) for kernel \(k)")
        let versions = (0..<n).map { g in tape.combineRows(w, terms: rowTerms(kind, group, element: g, kernel: k)) }
        let cin = kind == .lifting ? w.shape[1] : w.shape[1] * n
        return tape.reshape(tape.concat(versions, axis: -1), [k, k, cin, w.shape[2] * n])
    }

    /// x [m, s₁, s₂, inputChannels] → [m, s₁, s₂, outputChannels].
    public func callAsFunction(_ tape: Tape, _ x: Variable) -> Variable {
        require(x.shape.count == 4 && x.shape[3] == inputChannels, "group convolution expects [m, s₁, s₂, \(inputChannels)], got \(x.shape)")
        let b = tape.concat([Variable](repeating: bias, count: group.order), axis: 0)
        return tape.add(tape.conv(x, expandedWeight(tape)), b)
    }

    /// The layer's output averaged over the group, x [m, s₁, s₂, inputChannels] → [m, s₁, s₂, outputs]: the mean over
    /// g of out(x, g), computed as one convolution with the mean of the |G| transformed filters (both maps are
    /// linear, so this is the same function with |G| times fewer output channels; the bias, shared by a field's
    /// channels, is its own mean).
    public func groupAveraged(_ tape: Tape, _ x: Variable) -> Variable {
        require(x.shape.count == 4 && x.shape[3] == inputChannels, "group convolution expects [m, s₁, s₂, \(inputChannels)], got \(x.shape)")
        let taps = kernel * kernel * inputChannels
        let blocks = tape.reshape(expandedWeight(tape), [taps, group.order, outputs])   // output block g: the filter transformed by g
        let averaged = tape.reshape(tape.mean(blocks, axis: 1), [kernel, kernel, inputChannels, outputs])
        return tape.add(tape.conv(x, averaged), bias)
    }
}

/// The backbone of the 2-D EquivCNP (E)/(Ẽ) (Docs/paper-spec.md §5.8, §13.2): a lifting layer (C scalar channels → F regular
/// fields), group convolutions (F → F fields), a last group convolution to C fields, each after a ReLU but the
/// first, then the mean over the group axis (invariant pooling) back to C scalar channels. Equivariant to
/// lattice translations and the 8 symmetries of the square exactly; with D8 (the authors' `flipRot2dOnR2(N=8)`)
/// also approximately to the 45° rotations (bilinearly rotated kernels on the inscribed disk). Not a U-Net.
public struct GroupCNN: GridBackbone {
    public struct Config: Codable, Sendable, Equatable {
        /// C, scalar channels in and out.
        public var channels: Int
        /// F, regular fields in the hidden layers (Docs/paper-spec.md A17: 16 at paper size: 256 channels for D8).
        public var fields: Int
        /// Group convolutions, the lifting layer included (9 in the paper).
        public var layers: Int
        public var kernel: Int
        /// N of the dihedral group D_N: 8 (the paper's, order 16) or 4 (only the lattice symmetries, order 8).
        public var rotations: Int
        public init(channels: Int, fields: Int, layers: Int, kernel: Int, rotations: Int = 8) {
            self.channels = channels; self.fields = fields; self.layers = layers; self.kernel = kernel; self.rotations = rotations
        }
    }

    let convs: [GroupConv]
    public let config: Config
    public var channels: Int { config.channels }
    public var gridMultiple: Int { 1 }
    public var fixedInputDropout: Double? { nil }

    /// `fanInInitialisation`: see `GroupConv.init(fanIn:)`.
    public init(_ scope: ParameterScope, config: Config, fanInInitialisation: Bool = false, rng: inout RandomGenerator) {
        require(config.layers >= 1 && config.fields >= 1, "a group CNN needs at least one layer and one field: \(config)")
        self.config = config
        let group = DihedralGroup(rotations: config.rotations)
        convs = (0..<config.layers).map { i in
            GroupConv(scope.child("gconv\(i)"), kind: i == 0 ? .lifting : .regular, group: group, kernel: config.kernel,
                      inputs: i == 0 ? config.channels : config.fields,
                      outputs: i == config.layers - 1 ? config.channels : config.fields, fanIn: fanInInitialisation, rng: &rng)
        }
    }

    public func callAsFunction(_ tape: Tape, _ z: Variable, grid: Grid, switch sw: FixedInputSwitch) -> Variable {
        require(grid.dimension == 2, "the group CNN is 2-D, given a \(grid.dimension)-D grid")
        require(grid.pointsPerUnit[0] == grid.pointsPerUnit[1] && grid.step[0] == grid.step[1],
                     "rotating kernels on the grid needs equal spacing on both axes, got \(grid.pointsPerUnit)")
        var h = grid.spatial(tape, z)
        let (m, c) = (z.shape[0], channels)
        for (i, conv) in convs.enumerated() {
            if i > 0 { h = tape.relu(h) }
            // Under `fft2` the last layer and the pooling below are one convolution with the group-averaged filter.
            if i == convs.count - 1 && tape.convolutions.averagesGroupFiltersFirst {
                return tape.reshape(conv.groupAveraged(tape, h), [m, grid.count, c])
            }
            h = conv(tape, h)
        }
        // [m, s₁, s₂, |G| · C] → mean over the group axis → [m, G, C].
        let grouped = tape.reshape(h, [m, grid.count, convs[0].group.order, c])
        return tape.mean(grouped, axis: 2)
    }
}

import NPAutodiff
import NPNN
import NPTensor

// Shapes: m tasks, g grid points, c channels; grids are channels-last [m, g, c].

/// Which convolution the 1-D CNN of the ConvCNP family uses.
public enum ConvKind: Sendable, Equatable {
    /// Ordinary convolutions: translation equivariant (ConvCNP (T)).
    case plain
    /// Reflection-symmetric kernels ½(w + flip(w)): translation and reflection equivariant
    /// (the 1-D EquivCNP (E), the authors' `SymmetricConv1d`).
    case symmetric
    /// Relaxed convolutions (k ∗̃ f)(u) = Σ_v f(v)(1 + t(v)) k(u − v) with L = 1 (the RelaxedConvCNP
    /// baseline, the paper's form A20: weight at the input location, no 1/(3L) factor). t is a fixed-input
    /// MLP of the grid position per layer; all layers share the task's keep/drop draw.
    case relaxed(FixedInputsConfig)
}

/// A plain CNN of `layers` stride-1 "same" convolutions with c channels, ReLU before every convolution
/// but the first (the authors' CNN: activation, then convolution, for each block after the input).
public struct ConvStack {
    struct Layer { let conv: Conv; let relaxation: FixedInputs? }
    let layers: [Layer]
    public let kind: ConvKind

    public init(_ scope: ParameterScope, layers n: Int, channels c: Int, kernel k: Int, kind: ConvKind, rng: inout RandomGenerator) {
        if case .symmetric = kind { precondition(k % 2 == 1, "symmetric convolutions need an odd kernel to stay centred") }
        self.kind = kind
        layers = (0..<n).map { i in
            let conv = Conv(scope.child("conv\(i)"), kernel: [k], inputs: c, outputs: c, rng: &rng)
            var relax: FixedInputs? = nil
            if case .relaxed(let cfg) = kind {
                relax = FixedInputs(scope.child("relax\(i)"), config: cfg, inputDimension: 1, outputChannels: c, rng: &rng)
            }
            return Layer(conv: conv, relaxation: relax)
        }
    }

    /// The fixed-input dropout probability the relaxed variant trains with (nil otherwise).
    public var relaxedDropout: Double? { if case .relaxed(let cfg) = kind { return cfg.dropoutProbability } else { return nil } }

    func weight(_ tape: Tape, _ conv: Conv) -> Variable {
        guard case .symmetric = kind else { return conv.weight }
        let k = conv.weight.shape[0]
        let flipped = tape.gather(conv.weight, axis: 0, indices: Array((0..<k).reversed()))
        return tape.affine(tape.add(conv.weight, flipped), scale: 0.5)
    }

    /// z [m, g, c] on grid positions `grid` [m, g, 1] → [m, g, c].
    public func callAsFunction(_ tape: Tape, _ z: Variable, grid: Tensor, switch sw: FixedInputSwitch) -> Variable {
        var h = z
        for (i, layer) in layers.enumerated() {
            if i > 0 { h = tape.relu(h) }
            if let t = layer.relaxation {
                h = tape.add(h, tape.mul(h, t(tape, positions: grid, switch: sw)))   // f ⊙ (1 + t)
            }
            h = tape.add(tape.conv(h, weight(tape, layer.conv)), layer.conv.bias!)
        }
        return h
    }
}

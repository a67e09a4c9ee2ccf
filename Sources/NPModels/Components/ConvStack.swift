import NPAutodiff
import NPNN
import NPTensor

// Shapes: m tasks, G grid points, c channels; grid values are flat channels-last [m, G, c].

/// Which convolution a `ConvStack` uses.
public enum ConvKind: Sendable, Equatable {
    /// Ordinary convolutions: translation equivariant (ConvCNP (T)).
    case plain
    /// Reflection-symmetric kernels ½(w + flip(w)): translation and reflection equivariant
    /// (the 1-D EquivCNP (E), the authors' `SymmetricConv1d`). 1-D only; the 2-D EquivCNP uses a group CNN.
    case symmetric
    /// Relaxed convolutions (k ∗̃ f)(u) = Σ_v f(v)(1 + t(v)) k(u − v) with L = 1 (the RelaxedConvCNP
    /// baseline, the paper's form, Docs/paper-spec.md A20: weight at the input location, no 1/(3L) factor). t is a fixed-input
    /// MLP of the grid position per layer; all layers share the task's keep/drop draw.
    case relaxed(FixedInputsConfig)
}

/// A CNN of `layers` stride-1 "same" convolutions with c channels in any input dimension (kernel k along
/// every axis), ReLU before every convolution but the first (the authors' CNN: activation, then convolution,
/// for each block after the input).
public struct ConvStack: GridBackbone {
    struct Layer { let conv: Conv; let relaxation: FixedInputs? }
    let layers: [Layer]
    public let kind: ConvKind
    public let channels: Int
    public let inputDimension: Int
    public var gridMultiple: Int { 1 }

    public init(_ scope: ParameterScope, layers n: Int, channels c: Int, kernel k: Int, kind: ConvKind, inputDimension dx: Int = 1,
                rng: inout RandomGenerator) {
        if case .symmetric = kind {
            require(k % 2 == 1, "symmetric convolutions need an odd kernel to stay centred")
            require(dx == 1, "symmetric convolutions are the 1-D EquivCNP's; in \(dx)-D use a group CNN backbone")
        }
        self.kind = kind
        channels = c
        inputDimension = dx
        layers = (0..<n).map { i in
            let conv = Conv(scope.child("conv\(i)"), kernel: [Int](repeating: k, count: dx), inputs: c, outputs: c, rng: &rng)
            var relax: FixedInputs? = nil
            if case .relaxed(let cfg) = kind {
                relax = FixedInputs(scope.child("relax\(i)"), config: cfg, inputDimension: dx, outputChannels: c, rng: &rng)
            }
            return Layer(conv: conv, relaxation: relax)
        }
    }

    public var fixedInputDropout: Double? { if case .relaxed(let cfg) = kind { return cfg.dropoutProbability } else { return nil } }

    func weight(_ tape: Tape, _ conv: Conv) -> Variable {
        guard case .symmetric = kind else { return conv.weight }
        let k = conv.weight.shape[0]
        let flipped = tape.gather(conv.weight, axis: 0, indices: Array((0..<k).reversed()))
        return tape.affine(tape.add(conv.weight, flipped), scale: 0.5)
    }

    public func callAsFunction(_ tape: Tape, _ z: Variable, grid: Grid, switch sw: FixedInputSwitch) -> Variable {
        require(grid.dimension == inputDimension, "a \(inputDimension)-D CNN on a \(grid.dimension)-D grid")
        let positions = layers.contains { $0.relaxation != nil } ? grid.positions(tasks: z.shape[0]) : nil
        var h = grid.spatial(tape, z)
        for (i, layer) in layers.enumerated() {
            if i > 0 { h = tape.relu(h) }
            if let t = layer.relaxation {   // f ⊙ (1 + t), t evaluated at the grid positions
                h = tape.scaledByOnePlus(h, grid.spatial(tape, t(tape, positions: positions!, switch: sw)))
            }
            h = tape.add(tape.conv(h, weight(tape, layer.conv)), layer.conv.bias!)
        }
        return grid.flat(tape, h)
    }
}

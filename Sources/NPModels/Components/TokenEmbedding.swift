import NPAutodiff
import NPNN
import NPTensor

// Shapes: m tasks, nc / nt context / target points, dx inputs, dy outputs, d = D_z token width.

/// The initial tokens of the transformer NPs (TNPs and pseudo-token TNPs alike).
///
/// * Non-equivariant (Docs/paper-spec.md §5.2): context tokens MLP([x, y, 1]), target tokens MLP([x, 0, 0]) — one MLP with two
///   hidden layers of width d (the paper's flags, Docs/paper-spec.md A15).
/// * Translation-equivariant (Docs/paper-spec.md §5.3): context tokens MLP(y); every target starts from one learned token
///   (N(0, I) initialisation, Docs/paper-spec.md A4). x enters only through the attention logits.
///
/// Parameters: `tokens.*` (the MLP) and, when equivariant, `target_token`.
public struct TokenEmbedding {
    public let translationEquivariant: Bool
    let mlp: MLP
    let targetToken: Variable?

    public init(_ scope: ParameterScope, translationEquivariant te: Bool, inputDimension dx: Int, outputDimension dy: Int, width d: Int,
                rng: inout RandomGenerator) {
        translationEquivariant = te
        mlp = MLP(scope.child("tokens"), widths: [te ? dy : dx + dy + 1, d, d, d], rng: &rng)
        targetToken = te ? scope.make("target_token", rng.normalTensor([d])) : nil
    }

    /// Context tokens [m, nc, d] from `xc` [m, nc, dx] and `yc` [m, nc, dy].
    public func context(_ tape: Tape, x xc: Tensor, y yc: Tensor) -> Variable {
        if translationEquivariant { return mlp(tape, tape.constant(yc)) }
        let (m, nc, dx, dy) = (xc.shape[0], xc.shape[1], xc.shape[2], yc.shape[2])
        let w = dx + dy + 1
        var c = [Float](repeating: 1, count: m * nc * w)
        for p in 0..<(m * nc) {
            for k in 0..<dx { c[p * w + k] = xc.scalars[p * dx + k] }
            for k in 0..<dy { c[p * w + dx + k] = yc.scalars[p * dy + k] }
        }
        return mlp(tape, tape.constant(Tensor(shape: [m, nc, w], scalars: c)))
    }

    /// Target tokens [m, nt, d] at `xt` [m, nt, dx]; `dy` is the output dimension (the width of the zero flags).
    public func targets(_ tape: Tape, x xt: Tensor, outputDimension dy: Int) -> Variable {
        let (m, nt, dx) = (xt.shape[0], xt.shape[1], xt.shape[2])
        if let targetToken { return tape.add(tape.constant(.zeros([m, nt, targetToken.shape[0]])), targetToken) }
        let w = dx + dy + 1
        var t = [Float](repeating: 0, count: m * nt * w)
        for p in 0..<(m * nt) { for k in 0..<dx { t[p * w + k] = xt.scalars[p * dx + k] } }
        return mlp(tape, tape.constant(Tensor(shape: [m, nt, w], scalars: t)))
    }
}

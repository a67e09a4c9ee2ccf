import Foundation
import NPAutodiff
import NPNN
import NPTensor

// Shapes: m tasks, nq query and nk key tokens, d = D_z token width, H heads of width dh, dx input dimension.

/// Multi-head attention, standard or translation-equivariant (TE).
///
/// Standard: logits_h = q_h · k_h / √dh. TE (the TE-TNP's attention, spec §3.4): logits = ρ(dots, x_q − x_k),
/// an MLP with two hidden layers of width `teHidden` applied to each query–key pair's [x_q − x_k, dots_1..H].
/// Softmax over keys, attention-weighted sum of values, output linear map H·dh → d.
public struct MultiHeadAttention {
    let wq, wk, wv: Linear
    let wo: Linear
    let logitMLP: MLP?
    public let heads: Int
    public let headWidth: Int

    public init(_ scope: ParameterScope, width d: Int, heads: Int, headWidth dh: Int, translationEquivariant: Bool,
                inputDimension dx: Int, teHidden: Int, rng: inout RandomGenerator) {
        wq = Linear(scope.child("q"), inputs: d, outputs: heads * dh, bias: false, rng: &rng)
        wk = Linear(scope.child("k"), inputs: d, outputs: heads * dh, bias: false, rng: &rng)
        wv = Linear(scope.child("v"), inputs: d, outputs: heads * dh, bias: false, rng: &rng)
        wo = Linear(scope.child("out"), inputs: heads * dh, outputs: d, rng: &rng)
        logitMLP = translationEquivariant ? MLP(scope.child("logits"), widths: [dx + heads, teHidden, teHidden, heads], rng: &rng) : nil
        self.heads = heads; headWidth = dh
    }

    /// [m, n, H·dh] → [m, H, n, dh]
    func splitHeads(_ tape: Tape, _ x: Variable) -> Variable {
        let (m, n) = (x.shape[0], x.shape[1])
        return tape.permute(tape.reshape(x, [m, n, heads, headWidth]), [0, 2, 1, 3])
    }

    /// Queries attend to keys/values. `xq` [m, nq, dx] and `xk` [m, nk, dx] are needed only for TE attention.
    /// Keys with `keyMask` [m, nk] = 0 (padding) get zero attention weight.
    public func callAsFunction(_ tape: Tape, queries: Variable, keys: Variable, xq: Tensor? = nil, xk: Tensor? = nil,
                               keyMask: Tensor? = nil) -> Variable {
        let (m, nq, nk) = (queries.shape[0], queries.shape[1], keys.shape[1])
        let q = splitHeads(tape, wq(tape, queries)), k = splitHeads(tape, wk(tape, keys)), v = splitHeads(tape, wv(tape, keys))
        let scale = 1 / Float(headWidth).squareRoot()
        var logits = tape.matmul(q, k, transposeB: true)   // [m, H, nq, nk], unscaled
        var softmaxScale = scale
        if let logitMLP {
            guard let xq, let xk else { fatalError("TE attention needs query and key positions") }
            let dx = xq.shape[2]
            // Pairwise differences x_q − x_k as a constant [m, nq, nk, dx].
            var diff = [Float](repeating: 0, count: m * nq * nk * dx)
            for b in 0..<m { for i in 0..<nq { for j in 0..<nk { for c in 0..<dx {
                diff[((b * nq + i) * nk + j) * dx + c] = xq.scalars[(b * nq + i) * dx + c] - xk.scalars[(b * nk + j) * dx + c]
            } } } }
            let dots = tape.permute(tape.affine(logits, scale: scale), [0, 2, 3, 1])   // [m, nq, nk, H]
            let pair = tape.concat([tape.constant(Tensor(shape: [m, nq, nk, dx], scalars: diff)), dots], axis: -1)
            logits = tape.permute(logitMLP(tape, pair), [0, 3, 1, 2])   // back to [m, H, nq, nk]
            softmaxScale = 1
        }
        if let keyMask {   // −10³⁰ before the softmax: exp underflows to exactly 0 for padded keys
            require(keyMask.shape == [m, nk], "key mask must be [m, nk] = [\(m), \(nk)], got \(keyMask.shape)")
            logits = tape.add(logits, tape.constant(Tensor(shape: [m, 1, 1, nk], scalars: keyMask.scalars.map { $0 == 0 ? -1e30 : 0 })))
        }
        let attn = tape.softmax(logits, axis: -1, scale: softmaxScale)
        let out = tape.matmul(attn, v)   // [m, H, nq, dh]
        let merged = tape.reshape(tape.permute(out, [0, 2, 1, 3]), [m, nq, heads * headWidth])
        return wo(tape, merged)
    }
}

/// A pre-norm residual attention block: z ← z + MHA(LN₁(z) ← LN₁(keys)); z ← z + FF(LN₂(z)), with the
/// pointwise FF an MLP with two hidden layers of width d (the paper; the code uses one).
public struct AttentionBlock {
    let norm1: LayerNorm
    let norm2: LayerNorm
    public let attention: MultiHeadAttention
    let feedForward: MLP

    public init(_ scope: ParameterScope, width d: Int, heads: Int, headWidth dh: Int, translationEquivariant: Bool,
                inputDimension dx: Int, rng: inout RandomGenerator) {
        norm1 = LayerNorm(scope.child("norm1"), features: d)
        norm2 = LayerNorm(scope.child("norm2"), features: d)
        attention = MultiHeadAttention(scope.child("attention"), width: d, heads: heads, headWidth: dh,
                                       translationEquivariant: translationEquivariant, inputDimension: dx, teHidden: d, rng: &rng)
        feedForward = MLP(scope.child("ff"), widths: [d, d, d, d], rng: &rng)
    }

    /// Self-attention when `keys` is nil; `keyMask` [m, nk] marks real keys (the queries' own mask for self-attention).
    public func callAsFunction(_ tape: Tape, _ z: Variable, keys: Variable? = nil, xq: Tensor? = nil, xk: Tensor? = nil,
                               keyMask: Tensor? = nil) -> Variable {
        let q = norm1(tape, z)
        let k = keys.map { norm1(tape, $0) } ?? q
        var h = tape.add(z, attention(tape, queries: q, keys: k, xq: xq, xk: xk ?? xq, keyMask: keyMask))
        h = tape.add(h, feedForward(tape, norm2(tape, h)))
        return h
    }
}

import Foundation
import NPAutodiff
import NPNN
import NPTensor

// Shapes: m tasks, nq query and nk key tokens, d = D_z token width, H heads of width dh, dx input dimension.

/// Multi-head attention, standard or translation-equivariant (TE).
///
/// Standard: logits_h = q_h · k_h / √dh. TE (the TE-TNP's attention, Docs/paper-spec.md §3.4): logits = ρ(dots, x_q − x_k),
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
        attend(tape, queries: queries, keys: keys, queryPositions: xq.map(tape.constant), keyPositions: xk.map(tape.constant), keyMask: keyMask)
    }

    /// How attention is computed: fused ops (the default: the pair-MLP logit op for TE attention,
    /// `Tape.multiHeadAttention` for standard attention) or the unfused reference composition.
    /// Both use the same parameters and agree to float rounding (tested).
    public enum LogitImplementation: Sendable { case fused, reference }

    /// Attention with positions as variables, so that learned positions (pseudo-locations) get gradients through
    /// the TE logits. Positions are needed only for TE attention.
    public func attend(_ tape: Tape, queries: Variable, keys: Variable, queryPositions xq: Variable?, keyPositions xk: Variable?,
                       keyMask: Tensor? = nil, implementation: LogitImplementation = .fused) -> Variable {
        let (m, nq, nk) = (queries.shape[0], queries.shape[1], keys.shape[1])
        let scale = 1 / Float(headWidth).squareRoot()
        if let keyMask { require(keyMask.shape == [m, nk], "key mask must be [m, nk] = [\(m), \(nk)], got \(keyMask.shape)") }
        if logitMLP == nil && implementation == .fused {   // standard attention: the fused op, heads read in place
            return wo(tape, tape.multiHeadAttention(queries: wq(tape, queries), keys: wk(tape, keys), values: wv(tape, keys),
                                                    heads: heads, scale: scale, keyMask: keyMask))
        }
        let q = splitHeads(tape, wq(tape, queries)), k = splitHeads(tape, wk(tape, keys)), v = splitHeads(tape, wv(tape, keys))
        let attn: Variable
        if let logitMLP {
            guard let xq, let xk else { fatalError("TE attention needs query and key positions") }
            let layers = logitMLP.layers.map { PairwiseMLPLayer(weight: $0.weight, bias: $0.bias) }
            let logits = implementation == .fused
                ? tape.pairwiseLogitMLP(queries: q, keys: k, dotScale: scale, queryPositions: xq, keyPositions: xk, layers: layers, keyMask: keyMask)
                : tape.pairwiseLogitMLPReference(queries: q, keys: k, dotScale: scale, queryPositions: xq, keyPositions: xk, layers: layers, keyMask: keyMask)
            attn = tape.softmax(logits, axis: -1)   // [m, H, nq, nk]
        } else {
            var logits = tape.matmul(q, k, transposeB: true)   // [m, H, nq, nk], unscaled
            if let keyMask {   // −10³⁰ before the softmax: exp underflows to exactly 0 for padded keys
                logits = tape.add(logits, tape.constant(Tensor(shape: [m, 1, 1, nk], scalars: keyMask.scalars.map { $0 == 0 ? -1e30 : 0 })))
            }
            attn = tape.softmax(logits, axis: -1, scale: scale)
        }
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
                               keyMask: Tensor? = nil, implementation: MultiHeadAttention.LogitImplementation = .fused) -> Variable {
        let queryPositions = xq.map(tape.constant)
        return self(tape, z, keys: keys, queryPositions: queryPositions, keyPositions: xk.map(tape.constant) ?? queryPositions,
                    keyMask: keyMask, implementation: implementation)
    }

    /// The same with positions as variables (learned pseudo-locations); `keyPositions` nil means the queries' own.
    public func callAsFunction(_ tape: Tape, _ z: Variable, keys: Variable? = nil, queryPositions: Variable?, keyPositions: Variable?,
                               keyMask: Tensor? = nil, implementation: MultiHeadAttention.LogitImplementation = .fused) -> Variable {
        let q = norm1(tape, z)
        let k = keys.map { norm1(tape, $0) } ?? q
        var h = tape.add(z, attention.attend(tape, queries: q, keys: k, queryPositions: queryPositions, keyPositions: keyPositions ?? queryPositions,
                                             keyMask: keyMask, implementation: implementation))
        h = tape.add(h, feedForward(tape, norm2(tape, h)))
        return h
    }
}

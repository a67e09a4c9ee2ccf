import Foundation
import NPAutodiff
import NPTensor
import NPTestSupport
import Testing

/// The fused multi-head attention op against the composition it replaces (head split, batched matmuls, −10³⁰ on
/// padded keys, scaled softmax, head merge) and against float64-accumulated central differences.
@Suite struct MultiHeadAttentionTests {
    /// The reference: `MultiHeadAttention`'s unfused path, op for op.
    static func composed(_ t: Tape, _ q: Variable, _ k: Variable, _ v: Variable, heads H: Int, scale: Float, mask: Tensor?) -> Variable {
        let (m, nq, nk, D) = (q.shape[0], q.shape[1], k.shape[1], q.shape[2])
        func split(_ x: Variable) -> Variable { t.permute(t.reshape(x, [m, x.shape[1], H, D / H]), [0, 2, 1, 3]) }
        var logits = t.matmul(split(q), split(k), transposeB: true)
        if let mask { logits = t.add(logits, t.constant(Tensor(shape: [m, 1, 1, nk], scalars: mask.scalars.map { $0 == 0 ? -1e30 : 0 }))) }
        let out = t.matmul(t.softmax(logits, axis: -1, scale: scale), split(v))
        return t.reshape(t.permute(out, [0, 2, 1, 3]), [m, nq, D])
    }

    static let masks: [[Float]?] = [
        nil,
        [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],   // padding at the end (prefix)
        [1, 0, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 0, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0],   // holes
        [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1, 0, 1, 1, 1, 1, 1, 1],   // one task with no real key
    ]

    @Test(arguments: 0..<4)
    func forwardAndGradientsEqualTheComposition(_ which: Int) {
        let (m, nq, nk, H, dh) = (4, 5, 6, 2, 3)
        let mask = Self.masks[which].map { Tensor(shape: [m, nk], scalars: $0) }
        let inputs = [randomTensor([m, nq, H * dh], seed: 1, low: -2, high: 2), randomTensor([m, nk, H * dh], seed: 2, low: -2, high: 2),
                      randomTensor([m, nk, H * dh], seed: 3)]
        let w = randomTensor([m, nq, H * dh], seed: 4)
        func run(_ fused: Bool) -> ([Float], [[Float]]) {
            let t = Tape()
            let vs = inputs.map { Variable($0, requiresGrad: true) }
            let out = fused ? t.multiHeadAttention(queries: vs[0], keys: vs[1], values: vs[2], heads: H, scale: 0.6, keyMask: mask)
                            : Self.composed(t, vs[0], vs[1], vs[2], heads: H, scale: 0.6, mask: mask)
            t.backward(from: t.sumAll(t.mul(out, t.constant(w))))
            return (out.scalars, vs.map(\.grad.scalars))
        }
        let (yf, gf) = run(true), (yr, gr) = run(false)
        #expect(maxAbsDifference(yf, yr) < 2e-6, "forward differs by \(maxAbsDifference(yf, yr))")
        for (a, b) in zip(gf, gr) { #expect(maxAbsDifference(a, b) < 1e-5, "gradient differs by \(maxAbsDifference(a, b))") }
    }

    @Test(arguments: 0..<3)
    func finiteDifferences(_ which: Int) {
        let mask = Self.masks[which].map { Tensor(shape: [4, 6], scalars: $0) }
        expectGradientsMatch([randomTensor([4, 5, 6], seed: 5, low: -2, high: 2), randomTensor([4, 6, 6], seed: 6, low: -2, high: 2),
                              randomTensor([4, 6, 6], seed: 7)]) { t, v in
            t.multiHeadAttention(queries: v[0], keys: v[1], values: v[2], heads: 2, scale: 0.6, keyMask: mask)
        }
    }

    @Test func selfAttentionWithOneVariableAsQueriesKeysAndValues() {
        expectGradientsMatch([randomTensor([2, 7, 8], seed: 8, low: -2, high: 2)]) { t, v in
            t.multiHeadAttention(queries: v[0], keys: v[0], values: v[0], heads: 4, scale: 0.5)
        }
    }
}

import NPTensor

extension Tape {
    /// The core of standard multi-head attention in one op: per task b and head h,
    /// out[b, :, h] = softmax(scale · Q_h K_hᵀ, over real keys) · V_h, with Q_h = queries[b, :, h·dh..<(h+1)·dh]
    /// (likewise K_h, V_h) read in place from the projections' `[m, n, H·dh]` layout and the result written in the
    /// same layout, so no head split or merge is copied. Keys with `keyMask` [m, nk] = 0 get weight exactly 0 (a
    /// task whose keys are all masked attends uniformly to all of them, as adding −10³⁰ to every logit does).
    ///
    /// Equivalent to the composition reshape → permute → `matmul(q, k, transposeB: true)` → (+ −10³⁰ on padded
    /// keys) → `softmax(scale:)` → `matmul(·, v)` → permute → reshape (`MultiHeadAttention`'s reference path;
    /// tested against it and by finite differences), with one [m, H, nq, nk] buffer (the weights, kept for the
    /// backward pass) instead of five, and one fork/join over the m·H (task, head) pairs per pass.
    ///
    /// Backward, with P the weights and G_h the output gradient: dV_h += Pᵀ G_h; dP = G_h V_hᵀ;
    /// dS = scale · P ⊙ (dP − rowsum(dP ⊙ P)); dQ_h += dS K_h; dK_h += dSᵀ Q_h.
    public func multiHeadAttention(queries q: Variable, keys k: Variable, values v: Variable, heads H: Int, scale: Float,
                                   keyMask: Tensor? = nil) -> Variable {
        require(q.shape.count == 3 && k.shape.count == 3 && v.shape == k.shape && q.shape[0] == k.shape[0] && q.shape[2] == k.shape[2],
                "attention needs queries [m, nq, D] and keys, values [m, nk, D]; got \(q.shape), \(k.shape), \(v.shape)")
        let (m, nq, nk, D) = (q.shape[0], q.shape[1], k.shape[1], q.shape[2])
        require(H >= 1 && D % H == 0, "attention: width \(D) is not a multiple of \(H) heads")
        if let keyMask { require(keyMask.shape == [m, nk], "key mask must be [m, nk] = [\(m), \(nk)], got \(keyMask.shape)") }
        let dh = D / H
        let pairs = m * H, block = nq * nk
        let work = pairs * block * (4 * dh + 20)
        var p = uninitializedFloats(pairs * block)
        var out = uninitializedFloats(m * nq * D)
        let mask = keyMask?.scalars ?? []
        q.value.scalars.withUnsafeBufferPointer { pq in k.value.scalars.withUnsafeBufferPointer { pk in
            v.value.scalars.withUnsafeBufferPointer { pv in p.withUnsafeMutableBufferPointer { pp in
                out.withUnsafeMutableBufferPointer { po in mask.withUnsafeBufferPointer { pm in
                    let (Q, K, V, P, O) = (pq.baseAddress!, pk.baseAddress!, pv.baseAddress!, pp.baseAddress!, po.baseAddress!)
                    let M = keyMask == nil ? nil : pm.baseAddress   // (an empty array may still have a base address)
                    parallelFor(pairs, work: work) { i in
                        let (b, h) = (i / H, i % H)
                        let L = P + i * block
                        gemm(transA: false, transB: true, m: nq, n: nk, k: dh, a: Q + b * nq * D + h * dh, lda: D,
                             b: K + b * nk * D + h * dh, ldb: D, beta: 0, c: L, ldc: nk, parallel: false)
                        maskedSoftmaxRows(L, rows: nq, count: nk, scale: scale, mask: M.map { $0 + b * nk })
                        gemm(transA: false, transB: false, m: nq, n: dh, k: nk, a: L, lda: nk, b: V + b * nk * D + h * dh, ldb: D,
                             beta: 0, c: O + b * nq * D + h * dh, ldc: D, parallel: false)
                    }
                }}
            }}
        }}
        return result(Tensor(shape: [m, nq, D], scalars: out), inputs: [q, k, v]) { res in
            var dp = uninitializedFloats(pairs * block)
            withGradients([q, k, v]) { grads in
                let (GQ, GK, GV) = (grads[0], grads[1], grads[2])
                res.gradStorage.withUnsafeBufferPointer { pg in q.value.scalars.withUnsafeBufferPointer { pq in
                    k.value.scalars.withUnsafeBufferPointer { pk in v.value.scalars.withUnsafeBufferPointer { pv in
                        p.withUnsafeBufferPointer { pp in dp.withUnsafeMutableBufferPointer { pd in
                            let (G, Q, K, V, P, DP) = (pg.baseAddress!, pq.baseAddress!, pk.baseAddress!, pv.baseAddress!,
                                                       pp.baseAddress!, pd.baseAddress!)
                            parallelFor(pairs, work: 2 * work) { i in
                                let (b, h) = (i / H, i % H)
                                let (Pi, S) = (P + i * block, DP + i * block)
                                let (qo, ko, go) = (b * nq * D + h * dh, b * nk * D + h * dh, b * nq * D + h * dh)
                                if let GV {   // dV_h += Pᵀ G_h
                                    gemm(transA: true, transB: false, m: nk, n: dh, k: nq, a: Pi, lda: nk, b: G + go, ldb: D,
                                         beta: 1, c: GV + ko, ldc: D, parallel: false)
                                }
                                guard GQ != nil || GK != nil else { return }
                                // dP = G_h V_hᵀ, then dS in place
                                gemm(transA: false, transB: true, m: nq, n: nk, k: dh, a: G + go, lda: D, b: V + ko, ldb: D,
                                     beta: 0, c: S, ldc: nk, parallel: false)
                                softmaxBackwardRows(S, weights: Pi, rows: nq, count: nk, scale: scale)
                                if let GQ {   // dQ_h += dS K_h
                                    gemm(transA: false, transB: false, m: nq, n: dh, k: nk, a: S, lda: nk, b: K + ko, ldb: D,
                                         beta: 1, c: GQ + qo, ldc: D, parallel: false)
                                }
                                if let GK {   // dK_h += dSᵀ Q_h
                                    gemm(transA: true, transB: false, m: nk, n: dh, k: nq, a: S, lda: nk, b: Q + qo, ldb: D,
                                         beta: 1, c: GK + ko, ldc: D, parallel: false)
                                }
                            }
                        }}
                    }}
                }}
            }
        }
    }
}

/// Calls `body` with a gradient pointer for each variable that requires one (allocated as needed), nil otherwise.
/// A variable passed more than once (self-attention on one variable) gets the same pointer each time (its
/// gradient is opened once: a nested `withGrad` on one variable would be an overlapping access).
func withGradients(_ vars: [Variable], _ body: ([UnsafeMutablePointer<Float>?]) -> Void) {
    func go(_ i: Int, _ acc: [UnsafeMutablePointer<Float>?]) {
        if i == vars.count { body(acc); return }
        if let earlier = vars[..<i].firstIndex(where: { $0 === vars[i] }) { go(i + 1, acc + [acc[earlier]]); return }
        if vars[i].requiresGrad { vars[i].withGrad { go(i + 1, acc + [$0]) } } else { go(i + 1, acc + [nil]) }
    }
    go(0, [])
}

/// Each of `rows` rows of `count` logits x (contiguous) replaced by softmax(scale · x) over the entries whose
/// `mask` value is non-zero; masked entries become exactly 0. A row with no unmasked entry becomes uniform.
/// (`scale` > 0.) A mask that keeps a prefix (padding at the end, as `TaskBatch(padding:)` makes) is a softmax over
/// the prefix; any other mask takes the general path.
@inlinable
public func maskedSoftmaxRows(_ x: UnsafeMutablePointer<Float>, rows: Int, count n: Int, scale: Float,
                              mask: UnsafePointer<Float>?) {
    var prefix = n   // the real entries are 0..<prefix when `isPrefix`
    var isPrefix = true
    if let mask {
        var real = 0
        for j in 0..<n where mask[j] != 0 { real += 1 }
        prefix = real
        for j in 0..<real where mask[j] == 0 { isPrefix = false; break }
        if real == 0 {
            for r in 0..<rows { for j in 0..<n { x[r * n + j] = 1 / Float(n) } }
            return
        }
    }
    for r in 0..<rows {
        let row = x + r * n
        if isPrefix {
            let mx = rowMaximum(row, count: prefix)
            let inv = 1 / FastExp.shiftedExp(row, row, count: prefix, scale: scale, shift: mx)
            for j in 0..<prefix { row[j] *= inv }
            for j in prefix..<n { row[j] = 0 }
        } else {
            let mask = mask!
            var mx = -Float.infinity
            for j in 0..<n where mask[j] != 0 { mx = row[j] > mx ? row[j] : mx }
            _ = FastExp.shiftedExp(row, row, count: n, scale: scale, shift: mx)
            var s: Float = 0
            for j in 0..<n { let e = mask[j] != 0 ? row[j] : 0; row[j] = e; s += e }
            let inv = 1 / s
            for j in 0..<n { row[j] *= inv }
        }
    }
}

/// The largest of `n` ≥ 1 values (four running maxima, so the loop vectorises).
@inlinable
public func rowMaximum(_ x: UnsafePointer<Float>, count n: Int) -> Float {
    var (m0, m1, m2, m3) = (x[0], x[0], x[0], x[0])
    var j = 0
    while j + 4 <= n {
        m0 = x[j] > m0 ? x[j] : m0; m1 = x[j + 1] > m1 ? x[j + 1] : m1
        m2 = x[j + 2] > m2 ? x[j + 2] : m2; m3 = x[j + 3] > m3 ? x[j + 3] : m3
        j += 4
    }
    var m = max(max(m0, m1), max(m2, m3))
    while j < n { m = x[j] > m ? x[j] : m; j += 1 }
    return m
}

/// The softmax backward pass over rows in place: g ← scale · y ⊙ (g − Σ g ⊙ y) per row.
@inlinable
public func softmaxBackwardRows(_ g: UnsafeMutablePointer<Float>, weights y: UnsafePointer<Float>, rows: Int, count n: Int, scale: Float) {
    for r in 0..<rows {
        let (gr, yr) = (g + r * n, y + r * n)
        var dot: Float = 0
        for j in 0..<n { dot += gr[j] * yr[j] }
        for j in 0..<n { gr[j] = scale * yr[j] * (gr[j] - dot) }
    }
}

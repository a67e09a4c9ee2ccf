import Foundation
import NPTensor

// Shapes: m tasks, n points of `a`, k points of `b`, dx input dimensions.

extension Tape {
    /// Gaussian weights with one learnable lengthscale per input dimension, as a product of one-dimensional factors:
    /// w[t, i, j] = Π_d exp(−(a[t, i, d] − b[t, j, d])² / (2ℓ_d²)) for `a` [m, n, dx], `b` [m, k, dx] and
    /// `logLengthscales` [dx] → [m, n, k].
    ///
    /// It computes exactly — bit for bit, values and gradient — what the composition computes one dimension at a time,
    /// `rbfWeights(pairwiseSquaredDistances(a_d, b_d), ℓ_d)` multiplied together in the order d = 0, 1, …
    /// (`separableRBFWeightsComposed`, its reference): the same float operations in the same order. What it saves is
    /// repetition: a factor depends only on the pair of coordinates (a_d, b_d), and when one side is a grid its
    /// coordinates along each dimension take few distinct values (a 32 × 48 grid has 32 and 48, not 1,536), so each
    /// exponential is computed once per pair of *distinct* values instead of once per pair of points, and no
    /// per-dimension distance or weight tensor of the full size is made. Factors with an exponent below −80 are
    /// exactly 0 (no gradient), as in `rbfWeights`.
    ///
    /// Gradient: ∂w/∂logℓ_d = Σ w · d_d² / ℓ_d², accumulated in Double over the elements in order, with the upstream
    /// gradient of each factor formed as the composition's `mul` pullbacks form it (the product of the other factors).
    public func separableRBFWeights(_ a: Tensor, _ b: Tensor, logLengthscales: Variable) -> Variable {
        require(a.rank == 3 && b.rank == 3 && a.shape[0] == b.shape[0] && a.shape[2] == b.shape[2],
                "separable RBF weights need a [m, n, dx] and b [m, k, dx] of one m and dx, got \(a.shape) and \(b.shape)")
        let (m, n, k, dx) = (a.shape[0], a.shape[1], b.shape[1], a.shape[2])
        require(logLengthscales.shape == [dx], "separable RBF weights need \(dx) log-lengthscales, got \(logLengthscales.shape)")
        let ls = logLengthscales.value.scalars.map { Foundation.exp($0) }
        let cs = ls.map { l in -1 / (2 * l * l) }
        // Per task and dimension: the distinct coordinates of each side, each point's index among them, and the
        // factor and squared distance of every pair of distinct coordinates.
        let factors = (0..<m).map { t in
            (0..<dx).map { d in SeparableFactor(a: a.scalars, rowsA: t * n, countA: n, b: b.scalars, rowsB: t * k, countB: k,
                                                dimension: d, dimensions: dx, c: cs[d]) }
        }
        var out = [Float](repeating: 0, count: m * n * k)
        out.withUnsafeMutableBufferPointer { po in
            guard let base = po.baseAddress else { return }
            // Rows are independent (each its own products, in the same order): spread over the workers.
            parallelChunks(m * n, work: m * n * k * dx) { rows in
                for r in rows {
                    let (f, i) = (factors[r / n], r % n)
                    let row = base + r * k
                    f[0].withRow(ofA: i) { first, index in for j in 0..<k { row[j] = first[Int(index[j])] } }
                    for d in 1..<dx {
                        f[d].withRow(ofA: i) { factor, index in for j in 0..<k { row[j] = row[j] * factor[Int(index[j])] } }
                    }
                }
            }
        }
        let blocked = convolutions.vectorisesGaussians
        return result(Tensor(shape: [m, n, k], scalars: out), inputs: [logLengthscales]) { res in
            var acc = [Double](repeating: 0, count: dx)
            res.gradStorage.withUnsafeBufferPointer { g in
                let G = g.baseAddress!
                if blocked {
                    // Each task's sums from zero, the tasks in parallel, then added in task order: the same at every
                    // worker count, within ~10⁻¹⁶ of the in-order sum (`ConvolutionAlgorithms.fft2`).
                    var perTask = [Double](repeating: 0, count: m * dx)
                    perTask.withUnsafeMutableBufferPointer { pt in
                        let sums = pt.baseAddress!
                        parallelFor(m, work: 4 * m * n * k * dx) { t in
                            var local = [Double](repeating: 0, count: dx)
                            Self.accumulateSeparableTask(G, task: t, n: n, k: k, factors: factors[t], into: &local)
                            for d in 0..<dx { sums[t * dx + d] = local[d] }
                        }
                    }
                    for t in 0..<m { for d in 0..<dx { acc[d] += perTask[t * dx + d] } }
                } else {
                    for t in 0..<m { Self.accumulateSeparableTask(G, task: t, n: n, k: k, factors: factors[t], into: &acc) }
                }
            }
            logLengthscales.withGrad { gl in for d in 0..<dx { gl[d] += Float(acc[d]) / (ls[d] * ls[d]) } }
        }
    }

    /// Task t's contributions to every dimension's log-lengthscale gradient, added to `acc` element by element in
    /// order (i, then j).
    static func accumulateSeparableTask(_ g: UnsafePointer<Float>, task t: Int, n: Int, k: Int, factors: [SeparableFactor], into acc: inout [Double]) {
        let dx = factors.count
        factors.withPointers { weights, squares, indexA, indexB, distinctB in
            if dx == 2 {   // the 2-D SetConvs: no per-point arrays
                var (acc0, acc1) = (acc[0], acc[1])
                let (b0, b1) = (indexB[0], indexB[1])
                for i in 0..<n {
                    let (r0, r1) = (Int(indexA[0][i]) * distinctB[0], Int(indexA[1][i]) * distinctB[1])
                    let (w0, s0, w1, s1) = (weights[0] + r0, squares[0] + r0, weights[1] + r1, squares[1] + r1)
                    let gi = g + (t * n + i) * k
                    for j in 0..<k {
                        let (p0, p1) = (Int(b0[j]), Int(b1[j]))
                        let (x0, x1) = (w0[p0], w1[p1])
                        // The composition's pullbacks: P₁ = w₀ · w₁ gives w₁ the gradient G·w₀ and w₀ G·w₁.
                        if x1 != 0 { acc1 += Double(gi[j] * x0 * x1 * s1[p1]) }
                        if x0 != 0 { acc0 += Double(gi[j] * x1 * x0 * s0[p0]) }
                    }
                }
                acc[0] = acc0; acc[1] = acc1
                return
            }
            for i in 0..<n {
                let rows = (0..<dx).map { Int(indexA[$0][i]) * distinctB[$0] }
                let gi = g + (t * n + i) * k
                for j in 0..<k { accumulateSeparable(gi[j], j: j, rows: rows, weights: weights, squares: squares,
                                                     indexB: indexB, into: &acc) }
            }
        }
    }

    /// One element's contribution to every dimension's log-lengthscale gradient, in any dimension: the composition's
    /// pullbacks, last factor first (the product P_d = P_{d−1} · w_d gives P_{d−1} the gradient G·w_d and w_d the
    /// gradient G·P_{d−1}), each dimension's term w_d's gradient · w_d · d_d².
    static func accumulateSeparable(_ upstream: Float, j: Int, rows: [Int], weights: [UnsafePointer<Float>], squares: [UnsafePointer<Float>],
                                    indexB: [UnsafePointer<Int32>], into acc: inout [Double]) {
        let dx = rows.count
        var w = [Float](repeating: 0, count: dx), prefix = w
        for d in 0..<dx {
            w[d] = weights[d][rows[d] + Int(indexB[d][j])]
            prefix[d] = d == 0 ? w[0] : prefix[d - 1] * w[d]
        }
        var g = upstream
        for d in stride(from: dx - 1, through: 1, by: -1) {
            if w[d] != 0 { acc[d] += Double(g * prefix[d - 1] * w[d] * squares[d][rows[d] + Int(indexB[d][j])]) }
            g = g * w[d]
        }
        if w[0] != 0 { acc[0] += Double(g * w[0] * squares[0][rows[0] + Int(indexB[0][j])]) }
    }

    /// The reference `separableRBFWeights` is tested against: one `rbfWeights` of `pairwiseSquaredDistances` per
    /// dimension, multiplied together in order (what the SetConv computed before the fused op).
    public func separableRBFWeightsComposed(_ a: Tensor, _ b: Tensor, logLengthscales: Variable) -> Variable {
        let dx = a.shape[2]
        func column(_ x: Tensor, _ d: Int) -> Tensor {
            Tensor(shape: [x.shape[0], x.shape[1], 1], scalars: (0..<(x.shape[0] * x.shape[1])).map { x.scalars[$0 * dx + d] })
        }
        var w: Variable? = nil
        for d in 0..<dx {
            let d2 = pairwiseSquaredDistances(constant(column(a, d)), constant(column(b, d)))
            let wd = rbfWeights(d2, logLengthscale: slice(logLengthscales, axis: 0, d..<(d + 1)))
            w = w.map { mul($0, wd) } ?? wd
        }
        return w!
    }
}

/// One dimension's factor of `separableRBFWeights` for one task: the distinct coordinates of each side and the
/// factor exp(c · (u − v)²) (0 below an exponent of −80) and squared distance (u − v)² of every pair of them.
struct SeparableFactor {
    /// Each point of `a`'s index among a's distinct coordinates; the same for `b`.
    let indexA: [Int32], indexB: [Int32]
    let distinctB: Int
    /// [distinct a × distinct b], row-major.
    let weights: [Float], squaredDistances: [Float]

    init(a: [Float], rowsA: Int, countA: Int, b: [Float], rowsB: Int, countB: Int, dimension d: Int, dimensions dx: Int, c: Float) {
        let (ua, ia) = distinctCoordinates(a, first: rowsA, count: countA, dimension: d, dimensions: dx)
        let (ub, ib) = distinctCoordinates(b, first: rowsB, count: countB, dimension: d, dimensions: dx)
        indexA = ia; indexB = ib; distinctB = ub.count
        var w = [Float](repeating: 0, count: ua.count * ub.count), s = w
        for (p, u) in ua.enumerated() { for (q, v) in ub.enumerated() {
            let diff = u - v
            let d2 = diff * diff
            let e = c * d2
            s[p * ub.count + q] = d2
            w[p * ub.count + q] = e < -80 ? 0 : Foundation.exp(e)
        } }
        weights = w; squaredDistances = s
    }

    /// Calls body with the factors of point i of `a` against every distinct coordinate of `b` and b's indices.
    @inline(__always) func withRow(ofA i: Int, _ body: (UnsafePointer<Float>, UnsafePointer<Int32>) -> Void) {
        weights.withUnsafeBufferPointer { w in indexB.withUnsafeBufferPointer { ib in
            body(w.baseAddress! + Int(indexA[i]) * distinctB, ib.baseAddress!)
        }}
    }
}

extension Array where Element == SeparableFactor {
    /// Calls body with every dimension's factor table, squared-distance table, index arrays and count of b's
    /// distinct coordinates, as pointers (valid only inside body).
    func withPointers(_ body: ([UnsafePointer<Float>], [UnsafePointer<Float>], [UnsafePointer<Int32>], [UnsafePointer<Int32>], [Int]) -> Void) {
        func nest(_ d: Int, _ w: [UnsafePointer<Float>], _ s: [UnsafePointer<Float>], _ ia: [UnsafePointer<Int32>], _ ib: [UnsafePointer<Int32>]) {
            if d == count { body(w, s, ia, ib, map(\.distinctB)); return }
            self[d].weights.withUnsafeBufferPointer { pw in self[d].squaredDistances.withUnsafeBufferPointer { ps in
                self[d].indexA.withUnsafeBufferPointer { pa in self[d].indexB.withUnsafeBufferPointer { pb in
                    nest(d + 1, w + [pw.baseAddress!], s + [ps.baseAddress!], ia + [pa.baseAddress!], ib + [pb.baseAddress!])
                }}
            }}
        }
        nest(0, [], [], [], [])
    }
}

/// The distinct values of coordinate `d` over `count` points starting at point `first` of a flat [points, dx] array,
/// in order of first appearance, and each point's index among them (values compared bit for bit).
func distinctCoordinates(_ x: [Float], first: Int, count: Int, dimension d: Int, dimensions dx: Int) -> (values: [Float], index: [Int32]) {
    var values: [Float] = [], index = [Int32](repeating: 0, count: count)
    var slots = 16
    while slots < 2 * count { slots *= 2 }
    var table = [Int32](repeating: -1, count: slots)   // open addressing on the bit pattern
    for i in 0..<count {
        let v = x[(first + i) * dx + d]
        var h = Int(truncatingIfNeeded: (v.bitPattern &* 0x9E37_79B1) >> 7) & (slots - 1)
        while true {
            let slot = table[h]
            if slot < 0 { table[h] = Int32(values.count); index[i] = Int32(values.count); values.append(v); break }
            if values[Int(slot)].bitPattern == v.bitPattern { index[i] = slot; break }
            h = (h + 1) & (slots - 1)
        }
    }
    return (values, index)
}

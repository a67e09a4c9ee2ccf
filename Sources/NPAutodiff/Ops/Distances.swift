import NPTensor

extension Tape {
    /// Pairwise squared Euclidean distances: a `[m, n, d]`, b `[m, k, d]` → `[m, n, k]`
    /// (rank-2 inputs `[n, d]`, `[k, d]` give `[n, k]`). Computed directly, not as |a|² + |b|² − 2ab,
    /// so that equal points give exactly 0 (the SetConv's weights depend on it).
    public func pairwiseSquaredDistances(_ a: Variable, _ b: Variable) -> Variable {
        let r = a.shape.count
        require((r == 2 || r == 3) && b.shape.count == r && a.shape.last == b.shape.last &&
                     (r == 2 || a.shape[0] == b.shape[0]), "pairwise distances of \(a.shape) and \(b.shape)")
        let m = r == 3 ? a.shape[0] : 1
        let (n, k, d) = (a.shape[r - 2], b.shape[r - 2], a.shape[r - 1])
        var out = [Float](unsafeUninitializedCapacity: m * n * k) { _, c in c = m * n * k }
        a.value.scalars.withUnsafeBufferPointer { pa in b.value.scalars.withUnsafeBufferPointer { pb in
            out.withUnsafeMutableBufferPointer { po in
                guard let A = pa.baseAddress, let B = pb.baseAddress, let O = po.baseAddress else { return }
                parallelFor(m, work: 3 * m * n * k * d) { t in   // tasks are independent
                    for i in 0..<n { for j in 0..<k {
                        var s: Float = 0
                        for c in 0..<d { let diff = A[(t * n + i) * d + c] - B[(t * k + j) * d + c]; s += diff * diff }
                        O[(t * n + i) * k + j] = s
                    } }
                }
            }
        }}
        let shape = r == 3 ? [m, n, k] : [n, k]
        return result(Tensor(shape: shape, scalars: out), inputs: [a, b]) { res in
            res.gradStorage.withUnsafeBufferPointer { g in a.value.scalars.withUnsafeBufferPointer { pa in
                b.value.scalars.withUnsafeBufferPointer { pb in
                    var ga = [Float](repeating: 0, count: a.requiresGrad ? a.value.count : 0)
                    var gb = [Float](repeating: 0, count: b.requiresGrad ? b.value.count : 0)
                    for t in 0..<m { for i in 0..<n { for j in 0..<k {
                        let gij = 2 * g[(t * n + i) * k + j]
                        if gij == 0 { continue }
                        for c in 0..<d {
                            let diff = pa[(t * n + i) * d + c] - pb[(t * k + j) * d + c]
                            if !ga.isEmpty { ga[(t * n + i) * d + c] += gij * diff }
                            if !gb.isEmpty { gb[(t * k + j) * d + c] -= gij * diff }
                        }
                    } } }
                    if a.requiresGrad { a.accumulateGrad(ga) }
                    if b.requiresGrad { b.accumulateGrad(gb) }
                }
            }}
        }
    }
}

import NPTensor

extension Tape {
    /// Weighted sums of rows: out[i] = Σ_(j, w) ∈ terms[i] w · x[j], rows along axis 0 (each row is everything
    /// after it). `gather` is the special case of one term of weight 1; the 2-D group CNN uses it to rotate kernels
    /// by bilinear resampling. An empty term list gives a zero row.
    public func combineRows(_ x: Variable, terms: [[(row: Int, weight: Float)]]) -> Variable {
        require(x.shape.count >= 1, "combineRows needs at least one axis")
        let n = x.shape[0], inner = x.value.count / max(n, 1)
        require(terms.allSatisfy { $0.allSatisfy { $0.row >= 0 && $0.row < n } }, "combineRows: a source row is out of range 0..<\(n)")
        var out = [Float](repeating: 0, count: terms.count * inner)
        x.value.scalars.withUnsafeBufferPointer { px in out.withUnsafeMutableBufferPointer { po in
            for (i, sum) in terms.enumerated() { for (j, w) in sum {
                for e in 0..<inner { po[i * inner + e] += w * px[j * inner + e] }
            } }
        }}
        var shape = x.shape; shape[0] = terms.count
        return result(Tensor(shape: shape, scalars: out), inputs: [x]) { res in
            x.withGrad { gx in res.gradStorage.withUnsafeBufferPointer { g in
                for (i, sum) in terms.enumerated() { for (j, w) in sum {
                    for e in 0..<inner { gx[j * inner + e] += w * g[i * inner + e] }
                } }
            }}
        }
    }
}

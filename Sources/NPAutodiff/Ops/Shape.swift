import NPTensor

extension Tape {
    /// The same values under a new shape (equal element count). One dimension may be -1 (inferred).
    public func reshape(_ x: Variable, _ shape: [Int]) -> Variable {
        var s = shape
        if let i = s.firstIndex(of: -1) {
            let known = s.enumerated().filter { $0.offset != i }.map(\.element).reduce(1, *)
            s[i] = known == 0 ? 0 : x.value.count / known
        }
        require(s.reduce(1, *) == x.value.count, "cannot reshape \(x.shape) to \(shape)")
        return result(Tensor(shape: s, scalars: x.value.scalars), inputs: [x]) { out in
            x.accumulateGrad(out.gradStorage)
        }
    }

    /// Reorders the axes: output axis i is input axis `perm[i]`.
    public func permute(_ x: Variable, _ perm: [Int]) -> Variable {
        let r = x.shape.count
        require(perm.sorted() == Array(0..<r), "permutation \(perm) is not one of the axes of rank \(r)")
        let outShape = perm.map { x.shape[$0] }
        let inStrides = stridesOf(x.shape)
        let srcStrides = perm.map { inStrides[$0] }   // input stride along each output axis
        let y = permuteGather(x.value.scalars, outShape, srcStrides)
        return result(Tensor(shape: outShape, scalars: y), inputs: [x]) { out in
            var inverse = [Int](repeating: 0, count: r)
            for (i, p) in perm.enumerated() { inverse[p] = i }
            let outStrides = stridesOf(outShape)
            x.accumulateGrad(permuteGather(out.gradStorage, x.shape, inverse.map { outStrides[$0] }))
        }
    }

    /// Swaps the last two axes.
    public func transpose(_ x: Variable) -> Variable {
        let r = x.shape.count
        require(r >= 2, "transpose needs rank ≥ 2")
        return permute(x, Array(0..<(r - 2)) + [r - 1, r - 2])
    }

    /// Joins variables along an axis; all other axes must agree.
    public func concat(_ xs: [Variable], axis: Int) -> Variable {
        require(!xs.isEmpty, "concat of nothing")
        let ax = normaliseAxis(axis, rank: xs[0].shape.count)
        for v in xs {
            require(v.shape.count == xs[0].shape.count &&
                         v.shape.enumerated().allSatisfy { $0.offset == ax || $0.element == xs[0].shape[$0.offset] },
                         "concat along \(ax): shapes \(xs.map(\.shape)) disagree")
        }
        let (outer, _, inner) = splitAroundAxis(xs[0].shape, ax)
        let sizes = xs.map { $0.shape[ax] }
        let total = sizes.reduce(0, +)
        let count = outer * total * inner
        var out = [Float](unsafeUninitializedCapacity: count) { _, c in c = count }   // every element is written below
        var offset = 0
        // Copies (and gradient sums) of disjoint blocks: the outer index split over the workers.
        for (v, n) in zip(xs, sizes) {
            v.value.scalars.withUnsafeBufferPointer { pv in out.withUnsafeMutableBufferPointer { po in
                let (src, dst) = (pv.baseAddress!, po.baseAddress!)
                parallelChunks(outer, work: 4 * outer * n * inner) { range in
                    for o in range { (dst + (o * total + offset) * inner).update(from: src + o * n * inner, count: n * inner) }
                }
            }}
            offset += n
        }
        var shape = xs[0].shape; shape[ax] = total
        return result(Tensor(shape: shape, scalars: out), inputs: xs) { res in
            var off = 0
            res.gradStorage.withUnsafeBufferPointer { g in
                for (v, n) in zip(xs, sizes) {
                    if v.requiresGrad {
                        let start = off
                        v.withGrad { gv in
                            parallelChunks(outer, work: 4 * outer * n * inner) { range in
                                for o in range { for i in 0..<(n * inner) { gv[o * n * inner + i] += g[(o * total + start) * inner + i] } }
                            }
                        }
                    }
                    off += n
                }
            }
        }
    }

    /// The sub-range `range` of axis `axis`.
    public func slice(_ x: Variable, axis: Int, _ range: Range<Int>) -> Variable {
        let ax = normaliseAxis(axis, rank: x.shape.count)
        require(range.lowerBound >= 0 && range.upperBound <= x.shape[ax], "slice \(range) outside axis of size \(x.shape[ax])")
        let (outer, n, inner) = splitAroundAxis(x.shape, ax)
        let m = range.count
        var out = [Float](repeating: 0, count: outer * m * inner)
        x.value.scalars.withUnsafeBufferPointer { px in out.withUnsafeMutableBufferPointer { po in
            for o in 0..<outer {
                (po.baseAddress! + o * m * inner).update(from: px.baseAddress! + (o * n + range.lowerBound) * inner, count: m * inner)
            }
        }}
        var shape = x.shape; shape[ax] = m
        return result(Tensor(shape: shape, scalars: out), inputs: [x]) { res in
            x.withGrad { gx in res.gradStorage.withUnsafeBufferPointer { g in
                for o in 0..<outer { for i in 0..<(m * inner) { gx[(o * n + range.lowerBound) * inner + i] += g[o * m * inner + i] } }
            }}
        }
    }

    /// Splits an axis into consecutive pieces of the given sizes.
    public func split(_ x: Variable, axis: Int, sizes: [Int]) -> [Variable] {
        let ax = normaliseAxis(axis, rank: x.shape.count)
        require(sizes.reduce(0, +) == x.shape[ax], "split sizes \(sizes) do not add up to \(x.shape[ax])")
        var start = 0
        return sizes.map { n in defer { start += n }; return slice(x, axis: ax, start..<(start + n)) }
    }

    /// Picks entries `indices` along `axis` (indices may repeat; their gradients add up).
    public func gather(_ x: Variable, axis: Int, indices: [Int]) -> Variable {
        let ax = normaliseAxis(axis, rank: x.shape.count)
        let (outer, n, inner) = splitAroundAxis(x.shape, ax)
        require(indices.allSatisfy { $0 >= 0 && $0 < n }, "gather index out of range 0..<\(n)")
        let m = indices.count
        var out = [Float](repeating: 0, count: outer * m * inner)
        x.value.scalars.withUnsafeBufferPointer { px in out.withUnsafeMutableBufferPointer { po in
            for o in 0..<outer { for (j, idx) in indices.enumerated() {
                (po.baseAddress! + (o * m + j) * inner).update(from: px.baseAddress! + (o * n + idx) * inner, count: inner)
            } }
        }}
        var shape = x.shape; shape[ax] = m
        return result(Tensor(shape: shape, scalars: out), inputs: [x]) { res in
            x.withGrad { gx in res.gradStorage.withUnsafeBufferPointer { g in
                for o in 0..<outer { for (j, idx) in indices.enumerated() {
                    for i in 0..<inner { gx[(o * n + idx) * inner + i] += g[(o * m + j) * inner + i] }
                } }
            }}
        }
    }
}

/// out[i₀, i₁, …] (row-major over `outShape`) = src[Σ iₖ · srcStrides[k]].
func permuteGather(_ src: [Float], _ outShape: [Int], _ srcStrides: [Int]) -> [Float] {
    let count = outShape.reduce(1, *)
    var out = [Float](repeating: 0, count: count)
    if count == 0 { return out }
    let r = outShape.count
    var idx = [Int](repeating: 0, count: r)
    var off = 0
    src.withUnsafeBufferPointer { ps in out.withUnsafeMutableBufferPointer { po in
        let n = outShape[r - 1], s = srcStrides[r - 1]
        var o = 0
        while o < count {
            for j in 0..<n { po[o + j] = ps[off + j * s] }
            o += n
            var d = r - 2
            while d >= 0 {
                idx[d] += 1; off += srcStrides[d]
                if idx[d] < outShape[d] { break }
                off -= srcStrides[d] * outShape[d]; idx[d] = 0; d -= 1
            }
        }
    }}
    return out
}

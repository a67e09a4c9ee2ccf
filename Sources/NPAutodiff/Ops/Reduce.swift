import NPTensor

extension Tape {
    /// Sum over one axis. With `keepDims` the axis stays with size 1.
    public func sum(_ x: Variable, axis: Int, keepDims: Bool = false) -> Variable {
        let ax = normaliseAxis(axis, rank: x.shape.count)
        let (outer, n, inner) = splitAroundAxis(x.shape, ax)
        var out = [Float](repeating: 0, count: outer * inner)
        x.value.scalars.withUnsafeBufferPointer { px in out.withUnsafeMutableBufferPointer { po in
            for o in 0..<outer { for j in 0..<n {
                let src = o * n * inner + j * inner, dst = o * inner
                for i in 0..<inner { po[dst + i] += px[src + i] }
            } }
        }}
        var shape = x.shape
        if keepDims { shape[ax] = 1 } else { shape.remove(at: ax) }
        return result(Tensor(shape: shape, scalars: out), inputs: [x]) { res in
            x.withGrad { gx in res.gradStorage.withUnsafeBufferPointer { g in
                for o in 0..<outer { for j in 0..<n {
                    let dst = o * n * inner + j * inner, src = o * inner
                    for i in 0..<inner { gx[dst + i] += g[src + i] }
                } }
            }}
        }
    }

    /// Sum over several axes.
    public func sum(_ x: Variable, axes: [Int], keepDims: Bool = false) -> Variable {
        let sorted = axes.map { normaliseAxis($0, rank: x.shape.count) }.sorted(by: >)
        return sorted.reduce(x) { acc, ax in sum(acc, axis: ax, keepDims: keepDims) }
    }

    /// Sum of every element, as a rank-0 tensor.
    public func sumAll(_ x: Variable) -> Variable {
        let total = x.value.scalars.reduce(Double(0)) { $0 + Double($1) }
        return result(Tensor(scalar: Float(total)), inputs: [x]) { res in
            let g = res.gradStorage[0]
            x.withGrad { gx in for i in 0..<x.value.count { gx[i] += g } }
        }
    }

    /// Mean over one axis.
    public func mean(_ x: Variable, axis: Int, keepDims: Bool = false) -> Variable {
        let n = x.shape[normaliseAxis(axis, rank: x.shape.count)]
        return affine(sum(x, axis: axis, keepDims: keepDims), scale: 1 / Float(n))
    }

    /// Mean of every element, as a rank-0 tensor.
    public func meanAll(_ x: Variable) -> Variable { affine(sumAll(x), scale: 1 / Float(max(x.value.count, 1))) }
}

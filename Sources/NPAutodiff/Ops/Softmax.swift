import Foundation
import NPTensor

extension Tape {
    /// Softmax along `axis` of `scale · x` (scale 1 by default; attention passes 1/√d_head), computed with
    /// the maximum subtracted. Rows are spread over the workers.
    ///
    /// Gradient: with y = softmax(s·x) and upstream g, dx_j = s · y_j (g_j − Σ_k g_k y_k).
    public func softmax(_ x: Variable, axis: Int = -1, scale: Float = 1) -> Variable {
        let ax = normaliseAxis(axis, rank: x.shape.count)
        let (outer, n, inner) = splitAroundAxis(x.shape, ax)
        var y = uninitializedFloats(x.value.count)
        x.value.scalars.withUnsafeBufferPointer { px in y.withUnsafeMutableBufferPointer { py in
            let (X, Y) = (px.baseAddress!, py.baseAddress!)
            parallelChunks(outer * inner, work: outer * inner * n * 20) { lines in
                for line in lines {
                    let (o, i) = (line / inner, line % inner)
                    let base = o * n * inner + i
                    var mx = -Float.infinity
                    for j in 0..<n { mx = max(mx, X[base + j * inner]) }
                    var s: Float = 0
                    for j in 0..<n { let e = Foundation.exp(scale * (X[base + j * inner] - mx)); Y[base + j * inner] = e; s += e }
                    let inv = 1 / s
                    for j in 0..<n { Y[base + j * inner] *= inv }
                }
            }
        }}
        return result(Tensor(shape: x.shape, scalars: y), inputs: [x]) { out in
            x.withGrad { gx in out.gradStorage.withUnsafeBufferPointer { g in out.value.scalars.withUnsafeBufferPointer { py in
                let (G, Y) = (g.baseAddress!, py.baseAddress!)
                parallelChunks(outer * inner, work: outer * inner * n * 8) { lines in
                    for line in lines {
                        let (o, i) = (line / inner, line % inner)
                        let base = o * n * inner + i
                        var dot: Float = 0
                        for j in 0..<n { dot += G[base + j * inner] * Y[base + j * inner] }
                        for j in 0..<n { let k = base + j * inner; gx[k] += scale * Y[k] * (G[k] - dot) }
                    }
                }
            }}}
        }
    }
}

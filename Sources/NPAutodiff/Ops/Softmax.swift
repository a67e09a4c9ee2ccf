import Foundation
import NPTensor

extension Tape {
    /// Softmax along `axis`, computed with the maximum subtracted.
    ///
    /// Gradient: with y = softmax(x) and upstream g, dx_j = y_j (g_j − Σ_k g_k y_k).
    public func softmax(_ x: Variable, axis: Int = -1) -> Variable {
        let ax = normaliseAxis(axis, rank: x.shape.count)
        let (outer, n, inner) = splitAroundAxis(x.shape, ax)
        var y = [Float](repeating: 0, count: x.value.count)
        x.value.scalars.withUnsafeBufferPointer { px in y.withUnsafeMutableBufferPointer { py in
            for o in 0..<outer { for i in 0..<inner {
                let base = o * n * inner + i
                var mx = -Float.infinity
                for j in 0..<n { mx = max(mx, px[base + j * inner]) }
                var s: Float = 0
                for j in 0..<n { let e = Foundation.exp(px[base + j * inner] - mx); py[base + j * inner] = e; s += e }
                let inv = 1 / s
                for j in 0..<n { py[base + j * inner] *= inv }
            } }
        }}
        return result(Tensor(shape: x.shape, scalars: y), inputs: [x]) { out in
            x.withGrad { gx in out.gradStorage.withUnsafeBufferPointer { g in out.value.scalars.withUnsafeBufferPointer { py in
                for o in 0..<outer { for i in 0..<inner {
                    let base = o * n * inner + i
                    var dot: Float = 0
                    for j in 0..<n { dot += g[base + j * inner] * py[base + j * inner] }
                    for j in 0..<n { let k = base + j * inner; gx[k] += py[k] * (g[k] - dot) }
                } }
            }}}
        }
    }
}

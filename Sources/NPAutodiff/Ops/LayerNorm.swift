import NPTensor

extension Tape {
    /// Layer normalisation over the last axis: y = (x − mean) / √(var + eps) · gain + bias, with the
    /// biased variance, as PyTorch's `nn.LayerNorm`.
    ///
    /// Gradient, with x̂ the normalised input and d = g · gain:
    /// dx = (d − mean(d) − x̂ · mean(d · x̂)) / √(var + eps); dgain = Σ g · x̂; dbias = Σ g.
    public func layerNorm(_ x: Variable, gain: Variable, bias: Variable, eps: Float = 1e-5) -> Variable {
        let d = x.shape.last!
        require(gain.shape == [d] && bias.shape == [d], "layerNorm: gain/bias must be [\(d)]")
        let rows = x.value.count / max(d, 1)
        var y = [Float](repeating: 0, count: x.value.count)
        var xhat = [Float](repeating: 0, count: x.value.count)
        var invStd = [Float](repeating: 0, count: rows)
        x.value.scalars.withUnsafeBufferPointer { px in gain.value.scalars.withUnsafeBufferPointer { pg in
            bias.value.scalars.withUnsafeBufferPointer { pb in
                for r in 0..<rows {
                    let base = r * d
                    var mean: Float = 0
                    for j in 0..<d { mean += px[base + j] }
                    mean /= Float(d)
                    var v: Float = 0
                    for j in 0..<d { let c = px[base + j] - mean; v += c * c }
                    let s = 1 / (v / Float(d) + eps).squareRoot()
                    invStd[r] = s
                    for j in 0..<d {
                        let h = (px[base + j] - mean) * s
                        xhat[base + j] = h
                        y[base + j] = h * pg[j] + pb[j]
                    }
                }
            }
        }}
        return result(Tensor(shape: x.shape, scalars: y), inputs: [x, gain, bias]) { out in
            out.gradStorage.withUnsafeBufferPointer { g in gain.value.scalars.withUnsafeBufferPointer { pg in
                if x.requiresGrad {
                    x.withGrad { gx in
                        for r in 0..<rows {
                            let base = r * d
                            var m1: Float = 0, m2: Float = 0
                            for j in 0..<d { let dj = g[base + j] * pg[j]; m1 += dj; m2 += dj * xhat[base + j] }
                            m1 /= Float(d); m2 /= Float(d)
                            for j in 0..<d {
                                gx[base + j] += (g[base + j] * pg[j] - m1 - xhat[base + j] * m2) * invStd[r]
                            }
                        }
                    }
                }
                if gain.requiresGrad {
                    gain.withGrad { gg in for r in 0..<rows { for j in 0..<d { gg[j] += g[r * d + j] * xhat[r * d + j] } } }
                }
                if bias.requiresGrad {
                    bias.withGrad { gb in for r in 0..<rows { for j in 0..<d { gb[j] += g[r * d + j] } } }
                }
            }}
        }
    }
}

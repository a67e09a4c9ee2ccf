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
        var y = uninitializedFloats(x.value.count)      // every element written below
        var xhat = uninitializedFloats(x.value.count)
        var invStd = uninitializedFloats(rows)
        x.value.scalars.withUnsafeBufferPointer { px in gain.value.scalars.withUnsafeBufferPointer { pg in
            bias.value.scalars.withUnsafeBufferPointer { pb in y.withUnsafeMutableBufferPointer { py in
                xhat.withUnsafeMutableBufferPointer { ph in invStd.withUnsafeMutableBufferPointer { ps in
                    let (X, Gn, B, Y, H, S) = (px.baseAddress!, pg.baseAddress!, pb.baseAddress!, py.baseAddress!, ph.baseAddress!, ps.baseAddress!)
                    parallelChunks(rows, work: rows * d * 12) { range in
                        for r in range {
                            let (xr, hr, yr) = (X + r * d, H + r * d, Y + r * d)
                            let mean = layerNormSum(xr, count: d) / Float(d)
                            for j in 0..<d { hr[j] = xr[j] - mean }
                            let s = 1 / (layerNormSumOfSquares(hr, count: d) / Float(d) + eps).squareRoot()
                            S[r] = s
                            for j in 0..<d { let h = hr[j] * s; hr[j] = h; yr[j] = h * Gn[j] + B[j] }
                        }
                    }
                }}
            }}
        }}
        return result(Tensor(shape: x.shape, scalars: y), inputs: [x, gain, bias]) { out in
            out.gradStorage.withUnsafeBufferPointer { g in gain.value.scalars.withUnsafeBufferPointer { pg in
                if x.requiresGrad {
                    x.withGrad { gx in xhat.withUnsafeBufferPointer { ph in invStd.withUnsafeBufferPointer { ps in
                        let (G, Gn, H, S) = (g.baseAddress!, pg.baseAddress!, ph.baseAddress!, ps.baseAddress!)
                        parallelChunks(rows, work: rows * d * 12) { range in
                            for r in range {
                                let (gr, hr, xr) = (G + r * d, H + r * d, gx + r * d)
                                var (a0, a1, b0, b1): (Float, Float, Float, Float) = (0, 0, 0, 0)
                                var j = 0
                                while j + 2 <= d {
                                    let d0 = gr[j] * Gn[j], d1 = gr[j + 1] * Gn[j + 1]
                                    a0 += d0; a1 += d1; b0 += d0 * hr[j]; b1 += d1 * hr[j + 1]
                                    j += 2
                                }
                                if j < d { let d0 = gr[j] * Gn[j]; a0 += d0; b0 += d0 * hr[j] }
                                let m1 = (a0 + a1) / Float(d), m2 = (b0 + b1) / Float(d), s = S[r]
                                for j in 0..<d { xr[j] += (gr[j] * Gn[j] - m1 - hr[j] * m2) * s }
                            }
                        }
                    }}}
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

/// Σ x over `n` values with four partial sums (vectorisable; the layer-norm statistics).
@inlinable
func layerNormSum(_ x: UnsafePointer<Float>, count n: Int) -> Float {
    var (s0, s1, s2, s3): (Float, Float, Float, Float) = (0, 0, 0, 0)
    var j = 0
    while j + 4 <= n { s0 += x[j]; s1 += x[j + 1]; s2 += x[j + 2]; s3 += x[j + 3]; j += 4 }
    var s = (s0 + s1) + (s2 + s3)
    while j < n { s += x[j]; j += 1 }
    return s
}

/// Σ x² over `n` values with four partial sums.
@inlinable
func layerNormSumOfSquares(_ x: UnsafePointer<Float>, count n: Int) -> Float {
    var (s0, s1, s2, s3): (Float, Float, Float, Float) = (0, 0, 0, 0)
    var j = 0
    while j + 4 <= n { s0 += x[j] * x[j]; s1 += x[j + 1] * x[j + 1]; s2 += x[j + 2] * x[j + 2]; s3 += x[j + 3] * x[j + 3]; j += 4 }
    var s = (s0 + s1) + (s2 + s3)
    while j < n { s += x[j] * x[j]; j += 1 }
    return s
}

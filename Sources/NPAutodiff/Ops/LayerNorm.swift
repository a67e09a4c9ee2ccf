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
                            // Sums in index order, as before this op was split over the workers: the same bits.
                            var mean: Float = 0
                            for j in 0..<d { mean += xr[j] }
                            mean /= Float(d)
                            var v: Float = 0
                            for j in 0..<d { let c = xr[j] - mean; hr[j] = c; v += c * c }
                            let s = 1 / (v / Float(d) + eps).squareRoot()
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
                                var m1: Float = 0, m2: Float = 0
                                for j in 0..<d { let dj = gr[j] * Gn[j]; m1 += dj; m2 += dj * hr[j] }
                                m1 /= Float(d); m2 /= Float(d)
                                let s = S[r]
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

import NPTensor

extension Tape {
    /// 2×2 max-pooling with stride 2 over `[m, h, w, c]` (odd trailing rows/columns are dropped, as in
    /// PyTorch). The gradient goes to the first maximal element of each window.
    public func maxPool2x2(_ x: Variable) -> Variable {
        precondition(x.shape.count == 4, "maxPool2x2 needs [m, h, w, c], got \(x.shape)")
        let (m, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (ho, wo) = (h / 2, w / 2)
        var out = [Float](repeating: 0, count: m * ho * wo * c)
        var argmax = [Int32](repeating: 0, count: out.count)
        x.value.scalars.withUnsafeBufferPointer { px in
            for b in 0..<m { for i in 0..<ho { for j in 0..<wo { for ch in 0..<c {
                var best = -Float.infinity, bestIdx = 0
                for di in 0..<2 { for dj in 0..<2 {
                    let idx = ((b * h + 2 * i + di) * w + 2 * j + dj) * c + ch
                    if px[idx] > best { best = px[idx]; bestIdx = idx }
                } }
                let o = ((b * ho + i) * wo + j) * c + ch
                out[o] = best; argmax[o] = Int32(bestIdx)
            } } } }
        }
        return result(Tensor(shape: [m, ho, wo, c], scalars: out), inputs: [x]) { res in
            x.withGrad { gx in res.gradStorage.withUnsafeBufferPointer { g in
                for o in 0..<g.count { gx[Int(argmax[o])] += g[o] }
            }}
        }
    }

    /// Bilinear resampling of `[m, h, w, c]` to `[m, outH, outW, c]` with PyTorch's `align_corners=True`
    /// semantics: output index i reads input coordinate i · (h − 1) / (outH − 1) (0 when outH = 1).
    public func upsampleBilinear(_ x: Variable, height outH: Int, width outW: Int) -> Variable {
        precondition(x.shape.count == 4, "upsampleBilinear needs [m, h, w, c], got \(x.shape)")
        let (m, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let rows = bilinearTaps(h, outH), cols = bilinearTaps(w, outW)
        var out = [Float](repeating: 0, count: m * outH * outW * c)
        x.value.scalars.withUnsafeBufferPointer { px in
            for b in 0..<m { for i in 0..<outH { for j in 0..<outW {
                let (y0, y1, fy) = rows[i], (x0, x1, fx) = cols[j]
                let o = ((b * outH + i) * outW + j) * c
                let p00 = ((b * h + y0) * w + x0) * c, p01 = ((b * h + y0) * w + x1) * c
                let p10 = ((b * h + y1) * w + x0) * c, p11 = ((b * h + y1) * w + x1) * c
                for ch in 0..<c {
                    out[o + ch] = (1 - fy) * ((1 - fx) * px[p00 + ch] + fx * px[p01 + ch])
                        + fy * ((1 - fx) * px[p10 + ch] + fx * px[p11 + ch])
                }
            } } }
        }
        return result(Tensor(shape: [m, outH, outW, c], scalars: out), inputs: [x]) { res in
            x.withGrad { gx in res.gradStorage.withUnsafeBufferPointer { g in
                for b in 0..<m { for i in 0..<outH { for j in 0..<outW {
                    let (y0, y1, fy) = rows[i], (x0, x1, fx) = cols[j]
                    let o = ((b * outH + i) * outW + j) * c
                    let p00 = ((b * h + y0) * w + x0) * c, p01 = ((b * h + y0) * w + x1) * c
                    let p10 = ((b * h + y1) * w + x0) * c, p11 = ((b * h + y1) * w + x1) * c
                    for ch in 0..<c {
                        let gv = g[o + ch]
                        gx[p00 + ch] += gv * (1 - fy) * (1 - fx); gx[p01 + ch] += gv * (1 - fy) * fx
                        gx[p10 + ch] += gv * fy * (1 - fx); gx[p11 + ch] += gv * fy * fx
                    }
                } } }
            }}
        }
    }
}

/// For each output index: the two input indices it interpolates between and the weight of the second.
func bilinearTaps(_ n: Int, _ outN: Int) -> [(Int, Int, Float)] {
    (0..<outN).map { i in
        let src = outN > 1 ? Double(i) * Double(n - 1) / Double(outN - 1) : 0
        let i0 = min(Int(src), n - 1), i1 = min(i0 + 1, n - 1)
        return (i0, i1, Float(src - Double(i0)))
    }
}

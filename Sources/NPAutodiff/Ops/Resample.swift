import NPTensor

extension Tape {
    /// 2×2 max-pooling with stride 2 over `[m, h, w, c]` (odd trailing rows/columns are dropped, as in
    /// PyTorch). The gradient goes to the first maximal element of each window.
    public func maxPool2x2(_ x: Variable) -> Variable {
        require(x.shape.count == 4, "maxPool2x2 needs [m, h, w, c], got \(x.shape)")
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
        require(x.shape.count == 4, "upsampleBilinear needs [m, h, w, c], got \(x.shape)")
        let (m, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let rows = bilinearTaps(h, outH), cols = bilinearTaps(w, outW)
        // Calls body(output offset, the four input offsets, their four weights) for every output pixel.
        func forEachPixel(_ body: (Int, (Int, Int, Int, Int), (Float, Float, Float, Float)) -> Void) {
            for b in 0..<m { for i in 0..<outH { for j in 0..<outW {
                let (y0, y1, fy) = rows[i], (x0, x1, fx) = cols[j]
                body(((b * outH + i) * outW + j) * c,
                     (((b * h + y0) * w + x0) * c, ((b * h + y0) * w + x1) * c, ((b * h + y1) * w + x0) * c, ((b * h + y1) * w + x1) * c),
                     ((1 - fy) * (1 - fx), (1 - fy) * fx, fy * (1 - fx), fy * fx))
            } } }
        }
        var out = [Float](repeating: 0, count: m * outH * outW * c)
        x.value.scalars.withUnsafeBufferPointer { px in
            forEachPixel { o, p, wt in
                for ch in 0..<c {
                    out[o + ch] = wt.0 * px[p.0 + ch] + wt.1 * px[p.1 + ch] + wt.2 * px[p.2 + ch] + wt.3 * px[p.3 + ch]
                }
            }
        }
        return result(Tensor(shape: [m, outH, outW, c], scalars: out), inputs: [x]) { res in
            x.withGrad { gx in res.gradStorage.withUnsafeBufferPointer { g in
                forEachPixel { o, p, wt in
                    for ch in 0..<c {
                        let gv = g[o + ch]
                        gx[p.0 + ch] += gv * wt.0; gx[p.1 + ch] += gv * wt.1; gx[p.2 + ch] += gv * wt.2; gx[p.3 + ch] += gv * wt.3
                    }
                }
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

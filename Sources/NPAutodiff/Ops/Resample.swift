import NPTensor

extension Tape {
    /// 2×2 max-pooling with stride 2 over `[m, h, w, c]` (odd trailing rows/columns are dropped, as in
    /// PyTorch). The gradient goes to the first maximal element of each window.
    public func maxPool2x2(_ x: Variable) -> Variable {
        require(x.shape.count == 4, "maxPool2x2 needs [m, h, w, c], got \(x.shape)")
        let (m, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (ho, wo) = (h / 2, w / 2)
        let count = m * ho * wo * c, perTask = ho * wo * c
        var out = [Float](unsafeUninitializedCapacity: count) { _, n in n = count }
        var argmax = [Int32](unsafeUninitializedCapacity: count) { _, n in n = count }
        // Tasks are independent (and windows do not overlap): split over the workers, the same operations.
        x.value.scalars.withUnsafeBufferPointer { px in out.withUnsafeMutableBufferPointer { po in argmax.withUnsafeMutableBufferPointer { pa in
            let (o, a) = (po.baseAddress!, pa.baseAddress!)
            parallelFor(m, work: 16 * count) { b in
                for i in 0..<ho { for j in 0..<wo { for ch in 0..<c {
                    var best = -Float.infinity, bestIdx = 0
                    for di in 0..<2 { for dj in 0..<2 {
                        let idx = ((b * h + 2 * i + di) * w + 2 * j + dj) * c + ch
                        if px[idx] > best { best = px[idx]; bestIdx = idx }
                    } }
                    let k = ((b * ho + i) * wo + j) * c + ch
                    o[k] = best; a[k] = Int32(bestIdx)
                } } }
            }
        }}}
        return result(Tensor(shape: [m, ho, wo, c], scalars: out), inputs: [x]) { res in
            x.withGrad { gx in res.gradStorage.withUnsafeBufferPointer { g in argmax.withUnsafeBufferPointer { pa in
                parallelFor(m, work: 4 * count) { b in
                    for k in (b * perTask)..<((b + 1) * perTask) { gx[Int(pa[k])] += g[k] }
                }
            }}}
        }
    }

    /// Bilinear resampling of `[m, h, w, c]` to `[m, outH, outW, c]` with PyTorch's `align_corners=True`
    /// semantics: output index i reads input coordinate i · (h − 1) / (outH − 1) (0 when outH = 1).
    public func upsampleBilinear(_ x: Variable, height outH: Int, width outW: Int) -> Variable {
        require(x.shape.count == 4, "upsampleBilinear needs [m, h, w, c], got \(x.shape)")
        let (m, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let rows = bilinearTaps(h, outH), cols = bilinearTaps(w, outW)
        // Calls body(output offset, the four input offsets, their four weights) for every output pixel of every task,
        // the tasks split over the workers (each task reads and writes only its own rows: the same operations in the
        // same order per element).
        let work = 8 * m * outH * outW * c
        func forEachPixel(_ body: (Int, (Int, Int, Int, Int), (Float, Float, Float, Float)) -> Void) {
            parallelFor(m, work: work) { b in
                for i in 0..<outH { for j in 0..<outW {
                    let (y0, y1, fy) = rows[i], (x0, x1, fx) = cols[j]
                    body(((b * outH + i) * outW + j) * c,
                         (((b * h + y0) * w + x0) * c, ((b * h + y0) * w + x1) * c, ((b * h + y1) * w + x0) * c, ((b * h + y1) * w + x1) * c),
                         ((1 - fy) * (1 - fx), (1 - fy) * fx, fy * (1 - fx), fy * fx))
                } }
            }
        }
        let count = m * outH * outW * c
        var out = [Float](unsafeUninitializedCapacity: count) { _, n in n = count }
        x.value.scalars.withUnsafeBufferPointer { px in out.withUnsafeMutableBufferPointer { po in
            let o = po.baseAddress!
            forEachPixel { k, p, wt in
                for ch in 0..<c {
                    o[k + ch] = wt.0 * px[p.0 + ch] + wt.1 * px[p.1 + ch] + wt.2 * px[p.2 + ch] + wt.3 * px[p.3 + ch]
                }
            }
        }}
        return result(Tensor(shape: [m, outH, outW, c], scalars: out), inputs: [x]) { res in
            x.withGrad { gx in res.gradStorage.withUnsafeBufferPointer { g in
                forEachPixel { k, p, wt in
                    for ch in 0..<c {
                        let gv = g[k + ch]
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

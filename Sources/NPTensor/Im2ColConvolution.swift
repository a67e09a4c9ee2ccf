/// The im2col + GEMM method for the same stride-1 "same" convolutions as `convForward` / `convBackward` (same
/// layouts, same `ConvGeometry`), in 1-D and 2-D, with groups.
///
/// Per image, the k-neighbourhood of every output point is copied into one row of a column matrix
/// `[points, taps · cin/groups]` (zeros outside the grid), so that the convolution is one GEMM of depth
/// taps · cin/groups against the weight seen as `[taps · cin/groups, cout]` (no reordering: that is its layout).
/// Backward: dW += colᵀ · dY and dcol = dY · Wᵀ, scattered back ("col2im"). Compared with the shifted GEMM, it
/// copies taps × the input but multiplies with a depth of taps · cin instead of cin, which is what small channel
/// counts (the 2-D models) need. Images are split over the workers; each works on one image's columns at a time.

/// Calls body(point, tap, source) for every output point of image `b` and every kernel tap, with `source` the
/// dense input point the tap reads (nil outside the grid). Points and taps in row-major order.
@inlinable
func forEachTap(_ g: ConvGeometry, image b: Int, _ body: (_ point: Int, _ tap: Int, _ source: Int?) -> Void) {
    let s = g.spatial.count == 1 ? [g.spatial[0], 1] : g.spatial
    let k = g.kernel.count == 1 ? [g.kernel[0], 1] : g.kernel
    let pad = g.kernel.count == 1 ? [g.padBefore[0], 0] : g.padBefore
    let points = s[0] * s[1]
    for y in 0..<s[0] { for x in 0..<s[1] {
        let point = y * s[1] + x
        for ky in 0..<k[0] { for kx in 0..<k[1] {
            let iy = y + ky - pad[0], ix = x + kx - pad[1]
            let inside = iy >= 0 && iy < s[0] && ix >= 0 && ix < s[1]
            body(point, ky * k[1] + kx, inside ? b * points + iy * s[1] + ix : nil)
        } }
    } }
}

/// Forward convolution by im2col + GEMM: the output `[m, s…, cout]`.
public func convForwardIm2Col(_ x: [Float], _ w: [Float], _ g: ConvGeometry) -> [Float] {
    require(x.count == g.inputShape.reduce(1, *), "conv input has \(x.count) values, expected \(g.inputShape)")
    require(w.count == g.weightShape.reduce(1, *), "conv weight has \(w.count) values, expected \(g.weightShape)")
    let (cin, cout, cg, og, taps) = (g.cin, g.cout, g.cinPerGroup, g.coutPerGroup, g.taps)
    let points = g.spatial.reduce(1, *), depth = taps * cg
    var out = [Float](repeating: 0, count: g.outputShape.reduce(1, *))
    x.withUnsafeBufferPointer { px in w.withUnsafeBufferPointer { pw in out.withUnsafeMutableBufferPointer { po in
        let (xb, wb, ob) = (px.baseAddress!, pw.baseAddress!, po.baseAddress!)
        parallelChunks(g.batch, work: 2 * g.batch * points * depth * cout) { images in
            var col = [Float](repeating: 0, count: points * depth)
            col.withUnsafeMutableBufferPointer { pc in
                let cb = pc.baseAddress!
                for b in images { for grp in 0..<g.groups {
                    forEachTap(g, image: b) { p, t, src in
                        let dst = cb + p * depth + t * cg
                        if let src { dst.update(from: xb + src * cin + grp * cg, count: cg) } else { dst.update(repeating: 0, count: cg) }
                    }
                    gemm(transA: false, transB: false, m: points, n: og, k: depth, a: cb, lda: depth, b: wb + grp * og, ldb: cout,
                         beta: 0, c: ob + b * points * cout + grp * og, ldc: cout, parallel: false)
                } }
            }
        }
    }}}
    return out
}

/// Backward convolution by im2col + GEMM: adds the input gradient into `dx` and the weight gradient into `dw`
/// (either may be skipped), given the dense input `x` and the output gradient `dOut`.
public func convBackwardIm2Col(_ dOut: [Float], input x: [Float], _ w: [Float], _ g: ConvGeometry,
                               dx: UnsafeMutablePointer<Float>?, dw: UnsafeMutablePointer<Float>?) {
    let (cin, cout, cg, og, taps) = (g.cin, g.cout, g.cinPerGroup, g.coutPerGroup, g.taps)
    let points = g.spatial.reduce(1, *), depth = taps * cg
    let chunks = min(workerCount, g.batch)
    // One private weight-gradient buffer per chunk of images, summed at the end (chunks write disjoint dx rows).
    var dwParts = [Float](repeating: 0, count: dw == nil ? 0 : chunks * w.count)
    nonisolated(unsafe) let dxOut = dx
    x.withUnsafeBufferPointer { px in w.withUnsafeBufferPointer { pw in dOut.withUnsafeBufferPointer { pd in
        dwParts.withUnsafeMutableBufferPointer { pparts in
            let (xb, wb, db) = (px.baseAddress!, pw.baseAddress!, pd.baseAddress!)
            nonisolated(unsafe) let parts = pparts.baseAddress
            parallelFor(chunks, work: 4 * g.batch * points * depth * cout) { c in
                var col = [Float](repeating: 0, count: points * depth)
                col.withUnsafeMutableBufferPointer { pc in
                    let cb = pc.baseAddress!
                    for b in (g.batch * c / chunks)..<(g.batch * (c + 1) / chunks) { for grp in 0..<g.groups {
                        let dy = db + b * points * cout + grp * og
                        if let parts {
                            forEachTap(g, image: b) { p, t, src in
                                let dst = cb + p * depth + t * cg
                                if let src { dst.update(from: xb + src * cin + grp * cg, count: cg) } else { dst.update(repeating: 0, count: cg) }
                            }
                            gemm(transA: true, transB: false, m: depth, n: og, k: points, a: cb, lda: depth, b: dy, ldb: cout,
                                 beta: 1, c: parts + c * w.count + grp * og, ldc: cout, parallel: false)
                        }
                        if let dxOut {
                            gemm(transA: false, transB: true, m: points, n: depth, k: og, a: dy, lda: cout, b: wb + grp * og, ldb: cout,
                                 beta: 0, c: cb, ldc: depth, parallel: false)
                            forEachTap(g, image: b) { p, t, src in
                                guard let src else { return }
                                let from = cb + p * depth + t * cg, to = dxOut + src * cin + grp * cg
                                for i in 0..<cg { to[i] += from[i] }
                            }
                        }
                    } }
                }
            }
        }
    }}}
    if let dw {
        for c in 0..<chunks { for i in 0..<w.count { dw[i] += dwParts[c * w.count + i] } }
    }
}

extension ConvGeometry {
    /// Whether im2col + GEMM is the faster method for this shape (measured with `npbench conv2d` at the U-Net's
    /// and group CNN's shapes, Docs/performance.md): in 2-D when the shifted GEMM would waste at least half its rows on
    /// padding (small grids, large kernels: 9.6× faster at 4 × 4 with k = 9) or when there are at least 32 output
    /// channels per group (the im2col GEMM is then wide enough: 1.4–1.8× faster); the shifted GEMM otherwise
    /// (16 outputs from 64 inputs on 32 × 32: 1.2× faster) and always in 1-D, which keeps the 1-D models'
    /// numbers as they were.
    public var prefersIm2Col: Bool {
        guard spatial.count == 2 else { return false }
        let waste = Double(padded.reduce(1, *)) / Double(spatial.reduce(1, *))
        return waste >= 2 || coutPerGroup >= 32
    }
}

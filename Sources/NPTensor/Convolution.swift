/// Stride-1, "same"-padded convolutions over channels-last grids, in 1-D and 2-D, with groups.
///
/// Layouts: input `[m, s₁(, s₂), cin]`, weight `[k₁(, k₂), cin/groups, cout]`, output `[m, s₁(, s₂), cout]`.
///
/// Method ("shifted GEMM"): zero-pad every grid and lay the whole batch out as one matrix of
/// `P = m·∏(sᵢ + kᵢ − 1)` rows and `cin` columns. In that flat layout the input that kernel tap `t`
/// multiplies is the same matrix shifted down by a constant number of rows, `shift(t)`, so the
/// convolution is a sum of `∏kᵢ` plain GEMMs over contiguous memory, with no im2col copy. Rows of the
/// result that fall into padding are computed and discarded (about (k−1)/s extra work; 4 % for the
/// paper's 1-D ConvCNP). `convReference` is the direct nested-loop oracle.
public struct ConvGeometry: Sendable, Equatable {
    public let batch: Int
    public let spatial: [Int]
    public let kernel: [Int]
    public let cin: Int
    public let cout: Int
    public let groups: Int

    public init(batch: Int, spatial: [Int], kernel: [Int], cin: Int, cout: Int, groups: Int = 1) {
        require(spatial.count == kernel.count && (1...2).contains(spatial.count),
                     "convolution supports 1-D and 2-D grids, got spatial \(spatial) kernel \(kernel)")
        require(kernel.allSatisfy { $0 >= 1 }, "kernel sizes must be positive: \(kernel)")
        require(groups >= 1 && cin % groups == 0 && cout % groups == 0,
                     "channels \(cin)→\(cout) are not divisible into \(groups) groups")
        self.batch = batch; self.spatial = spatial; self.kernel = kernel
        self.cin = cin; self.cout = cout; self.groups = groups
    }

    /// Padding before each spatial axis: (k − 1) / 2 rounded down, as PyTorch's `padding="same"`.
    public var padBefore: [Int] { kernel.map { ($0 - 1) / 2 } }
    /// Padded extents.
    public var padded: [Int] { zip(spatial, kernel).map { $0 + $1 - 1 } }
    /// Rows of the flat padded batch.
    public var paddedRows: Int { batch * padded.reduce(1, *) }
    /// Row offset of the last tap.
    public var maxShift: Int { shift(tap: kernel.reduce(1, *) - 1) }
    /// Rows of the flat output that are computed (the rest could only read past the end).
    public var outputRows: Int { paddedRows - maxShift }
    public var taps: Int { kernel.reduce(1, *) }
    public var cinPerGroup: Int { cin / groups }
    public var coutPerGroup: Int { cout / groups }
    public var weightShape: [Int] { kernel + [cinPerGroup, cout] }
    public var inputShape: [Int] { [batch] + spatial + [cin] }
    public var outputShape: [Int] { [batch] + spatial + [cout] }

    /// Row shift of kernel tap `tap` (taps in row-major order over the kernel axes).
    public func shift(tap: Int) -> Int {
        if kernel.count == 1 { return tap }
        let (ky, kx) = (tap / kernel[1], tap % kernel[1])
        return ky * padded[1] + kx
    }

    /// Calls `body(flatRow, gridIndex)` for each real (unpadded) grid point, where `flatRow` is the
    /// point's row in the padded layout *before* adding the padding offset, i.e. the row of the output.
    @inlinable
    func forEachPoint(_ body: (_ paddedRowOfOutput: Int, _ denseIndex: Int) -> Void) {
        var dense = 0
        if spatial.count == 1 {
            let lp = padded[0]
            for b in 0..<batch { for x in 0..<spatial[0] { body(b * lp + x, dense); dense += 1 } }
        } else {
            let (hp, wp) = (padded[0], padded[1])
            for b in 0..<batch { for y in 0..<spatial[0] { for x in 0..<spatial[1] {
                body((b * hp + y) * wp + x, dense); dense += 1
            } } }
        }
    }

    /// Row offset of the first real point inside the padded layout.
    var padOffset: Int { spatial.count == 1 ? padBefore[0] : padBefore[0] * padded[1] + padBefore[1] }

    /// Copies a dense `[m, s…, c]` array into a zero-padded flat `[P, c]` array.
    public func pad(_ dense: UnsafePointer<Float>, channels c: Int, into out: UnsafeMutablePointer<Float>) {
        out.initialize(repeating: 0, count: paddedRows * c)
        let off = padOffset
        forEachPoint { row, i in (out + (row + off) * c).update(from: dense + i * c, count: c) }
    }

    /// Adds the real rows of a flat `[rows, c]` array at row offset `offset` into a dense `[m, s…, c]` array.
    public func crop(_ flat: UnsafePointer<Float>, channels c: Int, offset: Int,
                     addingInto dense: UnsafeMutablePointer<Float>) {
        forEachPoint { row, i in
            let src = flat + (row + offset) * c, dst = dense + i * c
            for j in 0..<c { dst[j] += src[j] }
        }
    }
}

/// Forward convolution. Returns the output `[m, s…, cout]` and the padded input (kept for the backward pass).
public func convForward(_ x: [Float], _ w: [Float], _ g: ConvGeometry) -> (out: [Float], paddedInput: [Float]) {
    require(x.count == g.inputShape.reduce(1, *), "conv input has \(x.count) values, expected \(g.inputShape)")
    require(w.count == g.weightShape.reduce(1, *), "conv weight has \(w.count) values, expected \(g.weightShape)")
    let (rows, cin, cout, cg, og) = (g.outputRows, g.cin, g.cout, g.cinPerGroup, g.coutPerGroup)
    var xp = [Float](repeating: 0, count: g.paddedRows * cin)
    x.withUnsafeBufferPointer { px in xp.withUnsafeMutableBufferPointer { g.pad(px.baseAddress!, channels: cin, into: $0.baseAddress!) } }
    var outFlat = [Float](repeating: 0, count: rows * cout)
    xp.withUnsafeBufferPointer { pxp in w.withUnsafeBufferPointer { pw in outFlat.withUnsafeMutableBufferPointer { po in
        let (xb, wb, ob) = (pxp.baseAddress!, pw.baseAddress!, po.baseAddress!)
        parallelChunks(rows, work: 2 * rows * cg * cout * g.taps) { range in
            for t in 0..<g.taps {
                let s = g.shift(tap: t)
                for grp in 0..<g.groups {
                    gemm(transA: false, transB: false, m: range.count, n: og, k: cg,
                         a: xb + (range.lowerBound + s) * cin + grp * cg, lda: cin,
                         b: wb + t * cg * cout + grp * og, ldb: cout,
                         beta: 1, c: ob + range.lowerBound * cout + grp * og, ldc: cout, parallel: false)
                }
            }
        }
    }}}
    var out = [Float](repeating: 0, count: g.outputShape.reduce(1, *))
    outFlat.withUnsafeBufferPointer { pf in out.withUnsafeMutableBufferPointer { g.crop(pf.baseAddress!, channels: cout, offset: 0, addingInto: $0.baseAddress!) } }
    return (out, xp)
}

/// Backward convolution: adds the gradients of the loss with respect to the input (into `dx`, dense
/// layout) and the weight (into `dw`) given the output gradient `dOut`. Either may be skipped.
public func convBackward(_ dOut: [Float], paddedInput xp: [Float], _ w: [Float], _ g: ConvGeometry,
                         dx: UnsafeMutablePointer<Float>?, dw: UnsafeMutablePointer<Float>?) {
    let (cin, cout, cg, og, rows, maxShift) = (g.cin, g.cout, g.cinPerGroup, g.coutPerGroup, g.outputRows, g.maxShift)
    // E: the output gradient in the flat layout, with maxShift zero rows in front, so that the input
    // gradient is again a sum of shifted GEMMs in which every row of the result is written by one chunk.
    var e = [Float](repeating: 0, count: (g.paddedRows + maxShift) * cout)
    dOut.withUnsafeBufferPointer { pd in e.withUnsafeMutableBufferPointer { pe in
        let (src, dst) = (pd.baseAddress!, pe.baseAddress!)
        g.forEachPoint { row, i in (dst + (row + maxShift) * cout).update(from: src + i * cout, count: cout) }
    }}
    e.withUnsafeBufferPointer { pe in w.withUnsafeBufferPointer { pw in xp.withUnsafeBufferPointer { pxp in
        let (eb, wb, xb) = (pe.baseAddress!, pw.baseAddress!, pxp.baseAddress!)
        if let dx {
            var dxp = [Float](repeating: 0, count: g.paddedRows * cin)
            dxp.withUnsafeMutableBufferPointer { pdxp in
                let db = pdxp.baseAddress!
                parallelChunks(g.paddedRows, work: 2 * g.paddedRows * cg * cout * g.taps) { range in
                    for t in 0..<g.taps {
                        let s = g.shift(tap: t)
                        for grp in 0..<g.groups {
                            gemm(transA: false, transB: true, m: range.count, n: cg, k: og,
                                 a: eb + (range.lowerBound + maxShift - s) * cout + grp * og, lda: cout,
                                 b: wb + t * cg * cout + grp * og, ldb: cout,
                                 beta: 1, c: db + range.lowerBound * cin + grp * cg, ldc: cin, parallel: false)
                        }
                    }
                }
                g.crop(db, channels: cin, offset: g.padOffset, addingInto: dx)
            }
        }
        if let dw {
            // dW_t = Xp[shift(t) ..< shift(t)+rows]ᵀ · dOutFlat; taps are independent, so run them in parallel.
            let dOutFlat = eb + maxShift * cout
            parallelFor(g.taps, work: 2 * rows * cg * cout * g.taps) { t in
                let s = g.shift(tap: t)
                for grp in 0..<g.groups {
                    gemm(transA: true, transB: false, m: cg, n: og, k: rows,
                         a: xb + s * cin + grp * cg, lda: cin, b: dOutFlat + grp * og, ldb: cout,
                         beta: 1, c: dw + t * cg * cout + grp * og, ldc: cout, parallel: false)
                }
            }
        }
    }}}
}

/// Direct nested-loop convolution in Double: the oracle for `convForward`.
public func convReference(_ x: [Float], _ w: [Float], _ g: ConvGeometry) -> [Float] {
    var out = [Float](repeating: 0, count: g.outputShape.reduce(1, *))
    let sp = g.spatial.count == 1 ? [g.spatial[0], 1] : g.spatial
    let kk = g.kernel.count == 1 ? [g.kernel[0], 1] : g.kernel
    let pads = g.kernel.count == 1 ? [g.padBefore[0], 0] : g.padBefore
    let (cg, og) = (g.cinPerGroup, g.coutPerGroup)
    for b in 0..<g.batch { for y in 0..<sp[0] { for xx in 0..<sp[1] { for o in 0..<g.cout {
        let grp = o / og
        var acc = 0.0
        for ky in 0..<kk[0] { for kx in 0..<kk[1] {
            let iy = y + ky - pads[0], ix = xx + kx - pads[1]
            if iy < 0 || iy >= sp[0] || ix < 0 || ix >= sp[1] { continue }
            for ci in 0..<cg {
                let xv = x[((b * sp[0] + iy) * sp[1] + ix) * g.cin + grp * cg + ci]
                let wv = w[((ky * kk[1] + kx) * cg + ci) * g.cout + o]
                acc += Double(xv) * Double(wv)
            }
        } }
        out[((b * sp[0] + y) * sp[1] + xx) * g.cout + o] = Float(acc)
    } } } }
    return out
}

/// The input and weight gradients that `backward` adds into two zeroed buffers of `inputCount` and `weightCount`
/// values, as arrays: one call of any of the backward convolutions, for comparing them (tests, benchmarks).
public func convolutionGradients(inputCount: Int, weightCount: Int,
                                 _ backward: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) -> Void) -> (dx: [Float], dw: [Float]) {
    var dx = [Float](repeating: 0, count: inputCount), dw = [Float](repeating: 0, count: weightCount)
    dx.withUnsafeMutableBufferPointer { px in dw.withUnsafeMutableBufferPointer { pw in backward(px.baseAddress!, pw.baseAddress!) } }
    return (dx, dw)
}

import Dispatch
import Foundation

/// The frequency-domain form of the 2-D, groups = 1 convolution of `convForward` / `convForwardIm2Col`: same
/// `ConvGeometry`, same channels-last layouts (input `[m, h, w, cin]`, weight `[kh, kw, cin, cout]`, output
/// `[m, h, w, cout]`), same stride-1 "same" cross-correlation with padBefore = (k − 1) / 2. It is measured against
/// the two direct methods by `npbench conv2d-fft`; `Tape.conv` uses it under `ConvolutionAlgorithms.fft`
/// (`ConvGeometry.prefersFFT`).
///
/// Method. Every image (and every kernel) is treated as zero-padded to Nh × Nw with Nh = h + kh − 1,
/// Nw = w + kw − 1, which is large enough that the circular convolution of that size equals the linear one on the
/// h × w points we keep (no wrap-around). Optionally (`sizes: g.minimalFFTSizes`) the transforms are only
/// s + max(padBefore, padAfter) long: the wrap-around then still misses the kept points, with fewer bins. The 2-D discrete Fourier transforms are not FFTs: each is two dense
/// matrix products with precomputed cos / sin matrices, so that all the arithmetic runs in the sgemm kernel:
///   1. along h, real input: only the h non-zero rows of the padded image enter, and only the half spectrum
///      u = 0 … Nh/2 is produced (a real signal's spectrum is conjugate-symmetric); cos and sin rows are stacked,
///      so this is one GEMM `[2·(Nh/2+1), h] × [h, w·m·cin]` for the whole batch (the batch and channels are the
///      GEMM's columns after moving the batch axis inside: `[h, w, m, c]`);
///   2. along w, complex input: per u one GEMM `[2·Nw, 2·w] × [2·w, m·cin]` (real and imaginary parts are
///      separate row blocks, so a complex product is a real GEMM on the block matrix [[cos, −sin], [sin, cos]]).
/// The result is, per frequency bin f = (u, v), the matrix [Re X_f; Im X_f] of 2m rows and cin columns.
/// The kernel is transformed the same way with the opposite sign and its taps placed at ky − padBefore, which
/// turns the cross-correlation into a product: Y_f = X_f · W_f (complex, per bin: the channel mixing), done as
/// the real GEMM [Re X; Im X] · [Re W | Im W] plus the four-term combination of the complex product.
/// The inverse transform runs the two steps backwards and produces only the rows and columns that are kept:
/// per u a GEMM `[2·w, 2·Nw]` along w, then one GEMM `[h, 2·(Nh/2+1)]` along h that takes the real part of the
/// Hermitian sum (weights 1 for u = 0 and the Nyquist bin, 2 otherwise) and the 1 / (Nh·Nw) scale.
/// Backward: the input gradient is the same pipeline with the conjugated kernel spectrum (correlation with the
/// flipped kernel); the weight gradient is, per bin, Σ_b conj(X_f[b, c]) · dY_f[b, o] (one GEMM of depth 2m for
/// the real part, two of depth m for the imaginary part), inverse-transformed only at the kh × kw tap positions.
/// `convForwardFFTKeepingSpectra` keeps the input and kernel spectra so that the backward pass need not redo them.
///
/// Cost: the mixing is about 4·Nh·(Nw/2+1)/(h·w·kh·kw) of the direct convolution's multiply-adds (0.11 at
/// 32 × 32 with k = 5, ≈ 1 at 2 × 2), but the dense transforms cost O(N²) per axis and channel, so they only
/// amortise with enough channels. Single-threaded (every GEMM is called with parallel: false).

/// Seconds spent in each phase of the FFT convolutions, accumulated while `enabled` (for the benchmark only).
public enum FFTConvolutionProfile {
    nonisolated(unsafe) public static var enabled = false
    /// Phase name → accumulated seconds: "copies" (layout changes), "transforms" (data forward and inverse DFT
    /// GEMMs), "kernel transforms" (weight spectrum and weight-gradient inverse), "mixing" (per-bin GEMMs and the
    /// complex combination).
    nonisolated(unsafe) public static var seconds: [String: Double] = [:]
    public static func reset() { seconds = [:] }

    @inline(__always)
    static func measure<T>(_ phase: String, _ body: () -> T) -> T {
        guard enabled else { return body() }
        let t0 = DispatchTime.now().uptimeNanoseconds
        let result = body()
        seconds[phase, default: 0] += Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        return result
    }
}

extension ConvGeometry {
    /// The transform sizes of the FFT convolution: h + kh − 1 and w + kw − 1 (no circular aliasing).
    public var fftSizes: (nh: Int, nw: Int) { (spatial[0] + kernel[0] - 1, spatial[1] + kernel[1] - 1) }

    /// The smallest transform sizes whose wrap-around misses the kept points: s + max(padBefore, padAfter) per axis
    /// (s + k/2 rounded down). The circular result is the linear one shifted by multiples of N; the linear
    /// convolution reaches from −padAfter to s − 1 + padBefore, so nothing from outside lands on 0..<s when
    /// N ≥ s + max(padBefore, padAfter). The same bound holds for the input and weight gradients.
    public var minimalFFTSizes: (nh: Int, nw: Int) {
        let reach = zip(kernel, padBefore).map { max($1, $0 - 1 - $1) }
        return (spatial[0] + reach[0], spatial[1] + reach[1])
    }

    /// The transform sizes `Tape.conv` uses: `minimalFFTSizes`, except that a first axis of 64 or more points is
    /// lengthened (by at most an eighth) to the length whose factored transform costs least (`fastTransformLength`;
    /// the data transforms along it then run in two stages, `factoredRealForward`). At the U-Nets' sizes (at most
    /// 36 points per axis) these are the minimal sizes.
    public var fastFFTSizes: (nh: Int, nw: Int) {
        let least = minimalFFTSizes
        return (fastTransformLength(atLeast: least.nh), least.nw)
    }

    func requireFFTSupported(_ sizes: (nh: Int, nw: Int)) {
        require(spatial.count == 2, "the FFT convolution is 2-D only, got spatial \(spatial)")
        require(groups == 1, "the FFT convolution supports groups = 1 only, got groups = \(groups)")
        let least = minimalFFTSizes
        require(sizes.nh >= least.nh && sizes.nw >= least.nw,
                "FFT sizes \(sizes) would alias: need at least \(least) for spatial \(spatial), kernel \(kernel)")
    }
}

private func cosine(_ x: Double) -> Double { cos(x) }
private func sine(_ x: Double) -> Double { sin(x) }

/// cos and sin of 2π·j/n for j in 0..<n, computed in Double (angles are reduced exactly by integer modulo).
struct Twiddles {
    let n: Int
    let cos: [Float], sin: [Float]
    init(_ n: Int) {
        self.n = n
        cos = (0..<n).map { Float(cosine(2 * Double.pi * Double($0) / Double(n))) }
        sin = (0..<n).map { Float(sine(2 * Double.pi * Double($0) / Double(n))) }
    }
    /// Index of the angle 2π·a·b/n reduced to 0..<n (a, b may be negative).
    @inline(__always) func index(_ a: Int, _ b: Int) -> Int { ((a * b) % n + n) % n }
}

/// Forward 2-D DFT of a real array `[rows, cols, n]` (rows = r, cols = c ≤ the transform sizes) as if zero-padded
/// to `nh × nw`, with the sample at (j, i) placed at (j + offH, i + offW) and exponent sign `sign` (−1 for the usual
/// forward transform). Output: `[u < nh/2+1, v < nw, part (re, im), n]`.
private func dftForward(_ input: UnsafePointer<Float>, rows: Int, cols: Int, n: Int, th: Twiddles, tw: Twiddles,
                        offH: Int, offW: Int, sign: Float, into out: UnsafeMutablePointer<Float>) {
    let (nh, nw) = (th.n, tw.n), vh = nh / 2 + 1
    let width = cols * n
    // Step 1, along h, into `t` ([(u, part), width]): A[(u, part), j] = cos / sign·sin of 2π·u·(j + offH)/nh; for long
    // axes the same transform in two factored stages (`factoredRealForward`).
    func alongH(into t: UnsafeMutablePointer<Float>) {
        if offH == 0, let split = factoredSplit(nh) {
            factoredRealForward(input, rows: rows, width: width, twiddles: th, split: split, sign: sign, into: t)
            return
        }
        var a = [Float](repeating: 0, count: 2 * vh * rows)
        for u in 0..<vh { for j in 0..<rows {
            let k = th.index(u, j + offH)
            a[(2 * u) * rows + j] = th.cos[k]
            a[(2 * u + 1) * rows + j] = sign * th.sin[k]
        } }
        a.withUnsafeBufferPointer { pa in
            gemmSplittingColumns(m: 2 * vh, n: width, k: rows, a: pa.baseAddress!, lda: rows, b: input, ldb: width, c: t, ldc: width)
        }
    }
    // One column (a 1-D convolution, `columnGeometry`): the transform along w has one point and is the identity, and
    // step 1's layout is already the output's.
    if nw == 1 && cols == 1 { alongH(into: out); return }
    var t1 = [Float](unsafeUninitializedCapacity: 2 * vh * width) { _, c in c = 2 * vh * width }
    t1.withUnsafeMutableBufferPointer { alongH(into: $0.baseAddress!) }
    // Step 2, along w: B[(v, part'), (part, i)] = [[cos, −sign·sin], [sign·sin, cos]] of 2π·v·(i + offW)/nw.
    var b = [Float](repeating: 0, count: 2 * nw * 2 * cols)
    for v in 0..<nw { for i in 0..<cols {
        let k = tw.index(v, i + offW)
        let (cs, sn) = (tw.cos[k], sign * tw.sin[k])
        b[(2 * v) * 2 * cols + i] = cs; b[(2 * v) * 2 * cols + cols + i] = -sn
        b[(2 * v + 1) * 2 * cols + i] = sn; b[(2 * v + 1) * 2 * cols + cols + i] = cs
    } }
    b.withUnsafeBufferPointer { pb in t1.withUnsafeBufferPointer { pt in
        let (bb, tb) = (pb.baseAddress!, pt.baseAddress!)
        parallelForSplittingColumns(vh, columns: n, work: 2 * vh * 2 * nw * n * 2 * cols) { u, range in
            gemm(transA: false, transB: false, m: 2 * nw, n: range.count, k: 2 * cols, a: bb, lda: 2 * cols,
                 b: tb + u * 2 * width + range.lowerBound, ldb: n, beta: 0, c: out + u * 2 * nw * n + range.lowerBound, ldc: n, parallel: false)
        }
    }}
}

/// Inverse of `dftForward` restricted to the real part at `rows × cols` positions: for a half spectrum
/// `[u < nh/2+1, v < nw, part, n]` of a real signal, writes (beta = 0) `[rows, cols, n]` with
/// out[y, x] = (1/(nh·nw)) Σ_{u over the full range, v} Z[u, v] · exp(sign·2πi·(u·(y + offH)/nh + v·(x + offW)/nw)).
func dftInverse(_ spectrum: UnsafePointer<Float>, rows: Int, cols: Int, n: Int, th: Twiddles, tw: Twiddles,
                        offH: Int, offW: Int, sign: Float, into out: UnsafeMutablePointer<Float>) {
    let (nh, nw) = (th.n, tw.n), vh = nh / 2 + 1
    let width = cols * n
    // Step 2, along h, from `t` ([(u, part), width]): A[y, (u, part)] = weight(u)/(nh·nw) · (cos, −sign·sin) of
    // 2π·u·(y + offH)/nh, the real part of the Hermitian sum (weight 1 for u = 0 and the Nyquist bin of an even nh, 2
    // otherwise); for long axes the same in two factored stages (`factoredRealInverse`).
    func alongH(from t: UnsafePointer<Float>) {
        if offH == 0, let split = factoredSplit(nh) {
            factoredRealInverse(t, rows: rows, width: width, twiddles: th, split: split, sign: sign, scale: 1 / Float(nh * nw), into: out)
            return
        }
        var a = [Float](repeating: 0, count: rows * 2 * vh)
        for y in 0..<rows { for u in 0..<vh {
            let k = th.index(u, y + offH)
            let weight: Float = (u == 0 || 2 * u == nh) ? 1 : 2
            let scale = weight / Float(nh * nw)
            a[y * 2 * vh + 2 * u] = scale * th.cos[k]
            a[y * 2 * vh + 2 * u + 1] = -scale * sign * th.sin[k]
        } }
        a.withUnsafeBufferPointer { pa in
            gemmSplittingColumns(m: rows, n: width, k: 2 * vh, a: pa.baseAddress!, lda: 2 * vh, b: t, ldb: width, c: out, ldc: width)
        }
    }
    // One column: the identity along w, so step 2 reads the spectrum itself.
    if nw == 1 && cols == 1 { alongH(from: spectrum); return }
    // Step 1, along w, per u: B[(part, x), (v, part')] = [[cos, −sign·sin], [sign·sin, cos]].
    var b = [Float](repeating: 0, count: 2 * cols * 2 * nw)
    for x in 0..<cols { for v in 0..<nw {
        let k = tw.index(v, x + offW)
        let (cs, sn) = (tw.cos[k], sign * tw.sin[k])
        b[x * 2 * nw + 2 * v] = cs; b[x * 2 * nw + 2 * v + 1] = -sn
        b[(cols + x) * 2 * nw + 2 * v] = sn; b[(cols + x) * 2 * nw + 2 * v + 1] = cs
    } }
    var t2 = [Float](unsafeUninitializedCapacity: 2 * vh * width) { _, c in c = 2 * vh * width }
    b.withUnsafeBufferPointer { pb in t2.withUnsafeMutableBufferPointer { pt in
        let (bb, tb) = (pb.baseAddress!, pt.baseAddress!)
        parallelForSplittingColumns(vh, columns: n, work: 2 * vh * 2 * cols * n * 2 * nw) { u, range in
            gemm(transA: false, transB: false, m: 2 * cols, n: range.count, k: 2 * nw, a: bb, lda: 2 * nw,
                 b: spectrum + u * 2 * nw * n + range.lowerBound, ldb: n, beta: 0, c: tb + u * 2 * width + range.lowerBound, ldc: n,
                 parallel: false)
        }
    }}
    t2.withUnsafeBufferPointer { alongH(from: $0.baseAddress!) }
}

/// `[m, h, w, c]` → `[h, w, m, c]` (the batch moved next to the channels, so that both are GEMM columns).
private func batchInside(_ src: UnsafePointer<Float>, _ g: ConvGeometry, channels c: Int, into dst: UnsafeMutablePointer<Float>) {
    let points = g.spatial[0] * g.spatial[1], m = g.batch
    for b in 0..<m { for p in 0..<points { (dst + (p * m + b) * c).update(from: src + (b * points + p) * c, count: c) } }
}

/// `[h, w, m, c]` → `[m, h, w, c]`, assigning or adding.
private func batchOutside(_ src: UnsafePointer<Float>, _ g: ConvGeometry, channels c: Int, adding: Bool,
                          into dst: UnsafeMutablePointer<Float>) {
    let points = g.spatial[0] * g.spatial[1], m = g.batch
    for b in 0..<m { for p in 0..<points {
        let s = src + (p * m + b) * c, d = dst + (b * points + p) * c
        if adding { for j in 0..<c { d[j] += s[j] } } else { d.update(from: s, count: c) }
    } }
}

/// The kernel's spectrum `[u, v, part, cin, cout]`: taps at (ky − padBefore, kx − padBefore), exponent sign +1,
/// so that the product with the input's spectrum is the cross-correlation.
func kernelSpectrum(_ w: [Float], _ g: ConvGeometry, _ th: Twiddles, _ tw: Twiddles) -> [Float] {
    let bins = (th.n / 2 + 1) * tw.n, cc = g.cin * g.cout
    var ws = [Float](unsafeUninitializedCapacity: bins * 2 * cc) { _, c in c = bins * 2 * cc }
    w.withUnsafeBufferPointer { pw in ws.withUnsafeMutableBufferPointer { pws in
        dftForward(pw.baseAddress!, rows: g.kernel[0], cols: g.kernel[1], n: cc, th: th, tw: tw,
                   offH: -g.padBefore[0], offW: -g.padBefore[1], sign: 1, into: pws.baseAddress!)
    }}
    return ws
}

/// The spectrum `[u, v, part, m, c]` of a dense `[m, h, w, c]` array.
private func dataSpectrum(_ x: UnsafePointer<Float>, _ g: ConvGeometry, channels c: Int, _ th: Twiddles, _ tw: Twiddles) -> [Float] {
    let (h, w) = (g.spatial[0], g.spatial[1]), n = g.batch * c
    let bins = (th.n / 2 + 1) * tw.n
    var xt = [Float](unsafeUninitializedCapacity: h * w * n) { _, k in k = h * w * n }
    FFTConvolutionProfile.measure("copies") { xt.withUnsafeMutableBufferPointer { batchInside(x, g, channels: c, into: $0.baseAddress!) } }
    var spec = [Float](unsafeUninitializedCapacity: bins * 2 * n) { _, k in k = bins * 2 * n }
    FFTConvolutionProfile.measure("transforms") {
        xt.withUnsafeBufferPointer { px in spec.withUnsafeMutableBufferPointer { ps in
            dftForward(px.baseAddress!, rows: h, cols: w, n: n, th: th, tw: tw, offH: 0, offW: 0, sign: -1, into: ps.baseAddress!)
        }}
    }
    return spec
}

/// Inverse-transforms a spectrum `[u, v, part, m, c]` to the grid and assigns or adds it into a dense `[m, h, w, c]` array.
private func dataFromSpectrum(_ spec: [Float], _ g: ConvGeometry, channels c: Int, _ th: Twiddles, _ tw: Twiddles,
                              adding: Bool, into out: UnsafeMutablePointer<Float>) {
    let (h, w) = (g.spatial[0], g.spatial[1]), n = g.batch * c
    var yt = [Float](unsafeUninitializedCapacity: h * w * n) { _, k in k = h * w * n }
    FFTConvolutionProfile.measure("transforms") {
        spec.withUnsafeBufferPointer { ps in yt.withUnsafeMutableBufferPointer { py in
            dftInverse(ps.baseAddress!, rows: h, cols: w, n: n, th: th, tw: tw, offH: 0, offW: 0, sign: 1, into: py.baseAddress!)
        }}
    }
    FFTConvolutionProfile.measure("copies") { yt.withUnsafeBufferPointer { batchOutside($0.baseAddress!, g, channels: c, adding: adding, into: out) } }
}

/// Per bin, the complex product of a data spectrum `[(part, m), k]` with a kernel spectrum `[part, k, n]`
/// (or its conjugate transpose `[part, n, k]` when `adjoint`): out_f = X_f · W_f or X_f · conj(W_f)ᵀ, `[(part, m), n]`.
private func mixBins(_ xs: [Float], _ ws: [Float], bins: Int, m: Int, k: Int, n: Int, adjoint: Bool) -> [Float] {
    var out = [Float](unsafeUninitializedCapacity: bins * 2 * m * n) { _, c in c = bins * 2 * m * n }
    FFTConvolutionProfile.measure("mixing") {
        xs.withUnsafeBufferPointer { px in ws.withUnsafeBufferPointer { pw in out.withUnsafeMutableBufferPointer { po in
            let (xb, wb, ob) = (px.baseAddress!, pw.baseAddress!, po.baseAddress!)
            // Bins are independent: split them over the workers, each with its own product buffer.
            parallelChunks(bins, work: bins * 8 * m * k * n) { chunk in
                var p = [Float](unsafeUninitializedCapacity: 2 * m * 2 * n) { _, c in c = 4 * m * n }
                p.withUnsafeMutableBufferPointer { pp in
                    let pb = pp.baseAddress!
                    for f in chunk {
                        let xf = xb + f * 2 * m * k, wr = wb + f * 2 * k * n, wi = wr + k * n
                        // P = [Re X; Im X] · [Re W | Im W]  (2m × 2n), with W as stored or transposed.
                        gemm(transA: false, transB: adjoint, m: 2 * m, n: n, k: k, a: xf, lda: k, b: wr, ldb: adjoint ? k : n,
                             beta: 0, c: pb, ldc: 2 * n, parallel: false)
                        gemm(transA: false, transB: adjoint, m: 2 * m, n: n, k: k, a: xf, lda: k, b: wi, ldb: adjoint ? k : n,
                             beta: 0, c: pb + n, ldc: 2 * n, parallel: false)
                        let yr = ob + f * 2 * m * n, yi = yr + m * n
                        let sw: Float = adjoint ? -1 : 1   // conj(W): Im W enters with the opposite sign
                        for b in 0..<m {
                            let rr = pb + b * 2 * n, ir = pb + (m + b) * 2 * n   // rows of Re X and Im X
                            for o in 0..<n {
                                yr[b * n + o] = rr[o] - sw * ir[n + o]
                                yi[b * n + o] = sw * rr[n + o] + ir[o]
                            }
                        }
                    }
                }
            }
        }}}
    }
    return out
}

/// The spectra of a forward FFT convolution's input and kernel, which its backward pass needs again: keeping them
/// (what a training step would do) saves one data transform and one kernel transform per backward pass.
public struct FFTConvSpectra: @unchecked Sendable {
    public let geometry: ConvGeometry
    public let sizes: (nh: Int, nw: Int)
    /// `[u, v, part, m, cin]` and `[u, v, part, cin, cout]`.
    let input: [Float], kernel: [Float]
    /// How the kernel's transforms were computed, for the weight gradient's inverse (`KernelTransforms`).
    let kernelTransforms: KernelTransforms
}

/// Forward convolution through the frequency domain (2-D, groups = 1): the output `[m, h, w, cout]`, equal to
/// `convForward`'s up to float32 rounding of the transforms.
/// `sizes`: the transform sizes, `g.fftSizes` (h + kh − 1, w + kw − 1) unless given (at least `g.minimalFFTSizes`).
public func convForwardFFT(_ x: [Float], _ w: [Float], _ g: ConvGeometry, sizes: (nh: Int, nw: Int)? = nil,
                           kernelTransforms: KernelTransforms = .separable) -> [Float] {
    convForwardFFTKeepingSpectra(x, w, g, sizes: sizes, kernelTransforms: kernelTransforms).out
}

/// `convForwardFFT` that also returns the input and kernel spectra for `convBackwardFFT(_:spectra:…)`.
public func convForwardFFTKeepingSpectra(_ x: [Float], _ w: [Float], _ g: ConvGeometry, sizes: (nh: Int, nw: Int)? = nil,
                                         kernelTransforms: KernelTransforms = .separable) -> (out: [Float], spectra: FFTConvSpectra) {
    require(g.spatial.count == 2, "the FFT convolution is 2-D only, got spatial \(g.spatial)")
    let (nh, nw) = sizes ?? g.fftSizes
    g.requireFFTSupported((nh, nw))
    require(x.count == g.inputShape.reduce(1, *), "conv input has \(x.count) values, expected \(g.inputShape)")
    require(w.count == g.weightShape.reduce(1, *), "conv weight has \(w.count) values, expected \(g.weightShape)")
    let th = Twiddles(nh), tw = Twiddles(nw), bins = (nh / 2 + 1) * nw
    let ws = FFTConvolutionProfile.measure("kernel transforms") { kernelTransforms.spectrum(w, g, th, tw) }
    let xs = x.withUnsafeBufferPointer { dataSpectrum($0.baseAddress!, g, channels: g.cin, th, tw) }
    let ys = mixBins(xs, ws, bins: bins, m: g.batch, k: g.cin, n: g.cout, adjoint: false)
    var out = [Float](unsafeUninitializedCapacity: g.outputShape.reduce(1, *)) { _, c in c = g.outputShape.reduce(1, *) }
    out.withUnsafeMutableBufferPointer { dataFromSpectrum(ys, g, channels: g.cout, th, tw, adding: false, into: $0.baseAddress!) }
    return (out, FFTConvSpectra(geometry: g, sizes: (nh, nw), input: xs, kernel: ws, kernelTransforms: kernelTransforms))
}

/// Backward convolution through the frequency domain (2-D, groups = 1): adds the input gradient into `dx` (dense
/// `[m, h, w, cin]`) and the weight gradient into `dw` (`[kh, kw, cin, cout]`), given the input `x` and the output
/// gradient `dOut`; either may be skipped. Same contract as `convBackwardIm2Col`; `sizes` as for `convForwardFFT`.
/// Recomputes the input and kernel spectra; `convBackwardFFT(_:spectra:…)` reuses the forward pass's.
public func convBackwardFFT(_ dOut: [Float], input x: [Float], _ w: [Float], _ g: ConvGeometry,
                            dx: UnsafeMutablePointer<Float>?, dw: UnsafeMutablePointer<Float>?, sizes: (nh: Int, nw: Int)? = nil,
                            kernelTransforms: KernelTransforms = .separable) {
    require(g.spatial.count == 2, "the FFT convolution is 2-D only, got spatial \(g.spatial)")
    let (nh, nw) = sizes ?? g.fftSizes
    g.requireFFTSupported((nh, nw))
    require(x.count == g.inputShape.reduce(1, *), "conv input has \(x.count) values, expected \(g.inputShape)")
    require(w.count == g.weightShape.reduce(1, *), "conv weight has \(w.count) values, expected \(g.weightShape)")
    fftBackward(dOut, g, (nh, nw), dx: dx, dw: dw, kernelTransforms: kernelTransforms,
                kernel: { kernelTransforms.spectrum(w, g, $0, $1) },
                input: { th, tw in x.withUnsafeBufferPointer { dataSpectrum($0.baseAddress!, g, channels: g.cin, th, tw) } })
}

/// `convBackwardFFT` with the input and kernel spectra kept by `convForwardFFTKeepingSpectra`.
public func convBackwardFFT(_ dOut: [Float], spectra: FFTConvSpectra,
                            dx: UnsafeMutablePointer<Float>?, dw: UnsafeMutablePointer<Float>?) {
    fftBackward(dOut, spectra.geometry, spectra.sizes, dx: dx, dw: dw, kernelTransforms: spectra.kernelTransforms,
                kernel: { _, _ in spectra.kernel }, input: { _, _ in spectra.input })
}

private func fftBackward(_ dOut: [Float], _ g: ConvGeometry, _ sizes: (nh: Int, nw: Int),
                         dx: UnsafeMutablePointer<Float>?, dw: UnsafeMutablePointer<Float>?, kernelTransforms: KernelTransforms,
                         kernel: (Twiddles, Twiddles) -> [Float], input: (Twiddles, Twiddles) -> [Float]) {
    require(dOut.count == g.outputShape.reduce(1, *), "conv output gradient has \(dOut.count) values, expected \(g.outputShape)")
    if dx == nil && dw == nil { return }
    let (nh, nw) = sizes
    let th = Twiddles(nh), tw = Twiddles(nw), bins = (nh / 2 + 1) * nw
    let (m, cin, cout) = (g.batch, g.cin, g.cout)
    let ds = dOut.withUnsafeBufferPointer { dataSpectrum($0.baseAddress!, g, channels: cout, th, tw) }
    if let dx {
        let ws = FFTConvolutionProfile.measure("kernel transforms") { kernel(th, tw) }
        let dxs = mixBins(ds, ws, bins: bins, m: m, k: cout, n: cin, adjoint: true)
        dataFromSpectrum(dxs, g, channels: cin, th, tw, adding: true, into: dx)
    }
    if let dw {
        let xs = input(th, tw)
        // G_f = X_fᴴ · dY_f: Re G = [Re X; Im X]ᵀ [Re D; Im D], Im G = (Re X)ᵀ Im D − (Im X)ᵀ Re D.
        let cc = cin * cout
        var gs = [Float](unsafeUninitializedCapacity: bins * 2 * cc) { _, c in c = bins * 2 * cc }
        FFTConvolutionProfile.measure("mixing") {
            xs.withUnsafeBufferPointer { px in ds.withUnsafeBufferPointer { pd in gs.withUnsafeMutableBufferPointer { pg in
                let (xb, db, gb) = (px.baseAddress!, pd.baseAddress!, pg.baseAddress!)
                parallelFor(bins, work: bins * 8 * m * cc) { f in   // bins are independent
                    let xr = xb + f * 2 * m * cin, xi = xr + m * cin
                    let dr = db + f * 2 * m * cout, di = dr + m * cout
                    let gr = gb + f * 2 * cc, gi = gr + cc
                    gemm(transA: true, transB: false, m: cin, n: cout, k: 2 * m, a: xr, lda: cin, b: dr, ldb: cout,
                         beta: 0, c: gr, ldc: cout, parallel: false)
                    gemm(transA: true, transB: false, m: cin, n: cout, k: m, a: xr, lda: cin, b: di, ldb: cout,
                         beta: 0, c: gi, ldc: cout, parallel: false)
                    gemm(transA: true, transB: false, m: cin, n: cout, k: m, alpha: -1, a: xi, lda: cin, b: dr, ldb: cout,
                         beta: 1, c: gi, ldc: cout, parallel: false)
                }
            }}}
        }
        // dw[ky, kx] = (1/(Nh·Nw)) Σ_f G_f · exp(−2πi·f·(tap − padBefore)/N): the inverse with sign −1 at the taps only.
        var taps = [Float](unsafeUninitializedCapacity: g.taps * cc) { _, c in c = g.taps * cc }
        FFTConvolutionProfile.measure("kernel transforms") {
            gs.withUnsafeBufferPointer { pg in taps.withUnsafeMutableBufferPointer { pt in
                kernelTransforms.weightGradient(pg.baseAddress!, g, th, tw, into: pt.baseAddress!)
            }}
        }
        for i in 0..<taps.count { dw[i] += taps[i] }
    }
}

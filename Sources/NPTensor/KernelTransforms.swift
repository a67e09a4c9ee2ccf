#if canImport(Glibc)
import Glibc
#endif

// The kernel's transforms of the FFT convolution (`FFTConvolution.swift`): the kernel spectrum of the forward pass
// and the weight gradient's inverse transform at the taps, computed one axis at a time (`separable`, the `fft`
// setting's arithmetic) or, under `fft2` on grids with few frequency bins, as one product with the 2-D DFT matrix.

/// How the kernel spectrum and the weight gradient's inverse transform are computed: `separable`, one axis at a time
/// (`dftForward` / `dftInverse`, the arithmetic of the runs trained under `AENP_CONVOLUTION=fft`), or `oneStage`,
/// one product with the 2-D DFT matrix between the k·k taps and the (N₁/2+1)·N₂ bins. On the tiny grids of a U-Net's
/// deepest levels (few bins, up to 65,536 kernel columns) the separable form writes and reads an intermediate as
/// large as the spectrum, and the transforms are bound by memory traffic, not arithmetic.
public enum KernelTransforms: Sendable, Equatable {
    case separable, oneStage

    /// The kernel spectrum `[u, v, part, cin·cout]` of the weight `w` (`kernelSpectrum` or `kernelSpectrumOneStage`).
    func spectrum(_ w: [Float], _ g: ConvGeometry, _ th: Twiddles, _ tw: Twiddles) -> [Float] {
        self == .oneStage ? kernelSpectrumOneStage(w, g, th, tw) : kernelSpectrum(w, g, th, tw)
    }

    /// The weight gradient at the k × k taps from its half spectrum `gs` `[u, v, part, cin·cout]` (the inverse with
    /// sign −1 at −padBefore), written into `out`.
    func weightGradient(_ gs: UnsafePointer<Float>, _ g: ConvGeometry, _ th: Twiddles, _ tw: Twiddles, into out: UnsafeMutablePointer<Float>) {
        if self == .oneStage { weightGradientOneStage(gs, g, th, tw, into: out); return }
        dftInverse(gs, rows: g.kernel[0], cols: g.kernel[1], n: g.cin * g.cout, th: th, tw: tw,
                   offH: -g.padBefore[0], offW: -g.padBefore[1], sign: -1, into: out)
    }

    /// `oneStage` under `fft2` when the spectrum has at most `oneStageBins` bins, `separable` otherwise.
    public static func chosen(under algorithms: ConvolutionAlgorithms, sizes: (nh: Int, nw: Int)) -> KernelTransforms {
        algorithms == .fft2 && (sizes.nh / 2 + 1) * sizes.nw <= oneStageBins ? .oneStage : .separable
    }
    /// The bin count up to which `fft2` transforms kernels in one stage (a 4 × 4 grid with k = 5 has 4 · 6 = 24 bins, an
    /// 8 × 8 grid 6 · 10 = 60).
    public static let oneStageBins = 64
}

/// The dense 2-D DFT between the k·k taps `(j, i)` at offsets `(offH, offW)` and the half spectrum's bins `(u, v)`:
/// angle 2π·(u·(j + offH)/nh + v·(i + offW)/nw), from the reduced indices of the twiddle tables, cos and sin in Double.
private func tapBinAngle(_ th: Twiddles, _ tw: Twiddles, u: Int, v: Int, j: Int, i: Int, offH: Int, offW: Int) -> Double {
    2 * Double.pi * (Double(th.index(u, j + offH)) / Double(th.n) + Double(tw.index(v, i + offW)) / Double(tw.n))
}

/// The kernel spectrum `[u, v, part, cin·cout]` (sign +1, taps at −padBefore) as one GEMM: rows (u, v, part) of the
/// DFT matrix against the weight's `[k·k, cin·cout]`. Same values as `kernelSpectrum` up to float32 rounding.
private func kernelSpectrumOneStage(_ w: [Float], _ g: ConvGeometry, _ th: Twiddles, _ tw: Twiddles) -> [Float] {
    let (vh, nw, taps, cc) = (th.n / 2 + 1, tw.n, g.taps, g.cin * g.cout)
    var d = [Float](repeating: 0, count: 2 * vh * nw * taps)
    for u in 0..<vh { for v in 0..<nw { for j in 0..<g.kernel[0] { for i in 0..<g.kernel[1] {
        let angle = tapBinAngle(th, tw, u: u, v: v, j: j, i: i, offH: -g.padBefore[0], offW: -g.padBefore[1])
        let (row, tap) = (2 * (u * nw + v), j * g.kernel[1] + i)
        d[row * taps + tap] = Float(cos(angle)); d[(row + 1) * taps + tap] = Float(sin(angle))
    } } } }
    var ws = [Float](unsafeUninitializedCapacity: 2 * vh * nw * cc) { _, c in c = 2 * vh * nw * cc }
    d.withUnsafeBufferPointer { pd in w.withUnsafeBufferPointer { pw in ws.withUnsafeMutableBufferPointer { pws in
        gemmSplittingColumns(m: 2 * vh * nw, n: cc, k: taps, a: pd.baseAddress!, lda: taps, b: pw.baseAddress!, ldb: cc,
                             c: pws.baseAddress!, ldc: cc)
    }}}
    return ws
}

/// The weight gradient at the taps from its half spectrum `gs` `[u, v, part, cin·cout]` (the inverse with sign −1
/// at −padBefore, real part, Hermitian weights as `dftInverse`) as one GEMM of `[k·k, 2·bins]` against `gs`.
private func weightGradientOneStage(_ gs: UnsafePointer<Float>, _ g: ConvGeometry, _ th: Twiddles, _ tw: Twiddles,
                                    into out: UnsafeMutablePointer<Float>) {
    let (nh, vh, nw, taps, cc) = (th.n, th.n / 2 + 1, tw.n, g.taps, g.cin * g.cout)
    let k = 2 * vh * nw
    var e = [Float](repeating: 0, count: taps * k)
    for j in 0..<g.kernel[0] { for i in 0..<g.kernel[1] { for u in 0..<vh { for v in 0..<nw {
        // Re(Z · exp(−iθ)) = Re Z · cos θ + Im Z · sin θ.
        let angle = tapBinAngle(th, tw, u: u, v: v, j: j, i: i, offH: -g.padBefore[0], offW: -g.padBefore[1])
        let weight = ((u == 0 || 2 * u == nh) ? 1.0 : 2.0) / Double(nh * nw)
        let (tap, column) = (j * g.kernel[1] + i, 2 * (u * nw + v))
        e[tap * k + column] = Float(weight * cos(angle)); e[tap * k + column + 1] = Float(weight * sin(angle))
    } } } }
    e.withUnsafeBufferPointer { pe in
        gemmSplittingColumns(m: taps, n: cc, k: k, a: pe.baseAddress!, lda: k, b: gs, ldb: cc, c: out, ldc: cc)
    }
}

import Foundation
import NPTensor
import NPModels

/// The frequency-domain prototype (`convForwardFFT` / `convBackwardFFT`) against the shifted GEMM and im2col + GEMM,
/// layer by layer, at the quick-smoke U-Net's shapes and a few paper-size (k = 9) shapes.
/// `AENP_THREADS=1 npbench conv2d-fft [quick]` (`quick`: the `GridCNNPreset.quick` U-Net's layers, the twin bench's,
/// instead of the smoke experiment's `quickSmoke`; `tiny`: bottleneck shapes of fewer than 4 × 4 points). The machine may be loaded, so the methods are interleaved: every round times
/// each method once, in turn (the order rotates between rounds), and the table shows the medians over the rounds.
func benchmarkFFTConvolution(preset: GridCNNPreset = .quickSmoke, tinyGrids: Bool = false) {
    // `tiny`: the bottleneck shapes below 4 × 4 points that decide `prefersFFT`'s channel threshold instead.
    let tiny: [(String, ConvGeometry)] = [(2, 2, 64, 64), (2, 2, 128, 64), (2, 2, 128, 128), (2, 2, 256, 128), (2, 2, 256, 256),
                                          (3, 2, 128, 128), (3, 2, 256, 256), (1, 1, 256, 256)].map { h, w, i, o in
        ("bottleneck \(h)×\(w), \(i)→\(o), k 5", ConvGeometry(batch: 16, spatial: [h, w], kernel: [5, 5], cin: i, cout: o))
    }
    let cases: [(String, ConvGeometry)] = tinyGrids ? tiny : uNetLayers(preset) + [
        ("paper U-Net level 0: 32×32, 16→32, k 9", ConvGeometry(batch: 16, spatial: [32, 32], kernel: [9, 9], cin: 16, cout: 32)),
        ("paper U-Net level 1: 16×16, 32→64, k 9", ConvGeometry(batch: 16, spatial: [16, 16], kernel: [9, 9], cin: 32, cout: 64)),
        ("paper U-Net level 3: 4×4, 128→256, k 9", ConvGeometry(batch: 16, spatial: [4, 4], kernel: [9, 9], cin: 128, cout: 256)),
        ("paper U-Net up 0: 32×32, 64→16, k 9", ConvGeometry(batch: 16, spatial: [32, 32], kernel: [9, 9], cin: 64, cout: 16)),
        ("group CNN paper: 32×32, 128→128, k 9", ConvGeometry(batch: 16, spatial: [32, 32], kernel: [9, 9], cin: 128, cout: 128)),
    ]
    print("## 2-D convolution: shifted GEMM vs im2col + GEMM vs FFT (DFT-as-GEMM), \(workerCount) thread(s)\n")
    print("Median ms over interleaved rounds (1 warm-up round; 7 rounds, 3 above 10 GFLOP). Backward = dx + dw from the")
    print("dense input (FFT: recomputes the input and kernel spectra). FFT: transform sizes s + k − 1; FFT-min: the")
    print("smallest without aliasing, s + k/2 (`minimalFFTSizes`); \"kept\": backward from the spectra kept by the forward")
    print("pass (`convForwardFFTKeepingSpectra`). FFT / best: the FFT (s + k − 1) over the faster direct")
    print("method. Errors (FFT, s + k − 1): max |FFT − im2col| / max |im2col| of the")
    print("output, dx and dw. Phases: share of the FFT forward + backward time (one extra profiled run) in data")
    print("transforms / kernel transforms (weight spectrum, dw inverse) / per-bin mixing GEMMs / layout copies.\n")
    row(["layer", "GFLOP fwd", "shifted fwd", "im2col fwd", "FFT fwd", "FFT-min fwd", "FFT / best fwd", "shifted bwd", "im2col bwd",
         "FFT bwd", "FFT-min bwd", "FFT-min bwd kept", "FFT / best bwd", "rel. error out, dx, dw", "FFT phases % (transf / kernel / mix / copies)"])
    row(Array(repeating: "---", count: 15))
    var totals = [Double](repeating: 0, count: 11)   // nine methods, then the best direct fwd and bwd
    for (index, (name, g)) in cases.enumerated() {
        var rng = RandomGenerator(seed: 2)
        let x = rng.uniformTensor(g.inputShape).scalars, w = rng.uniformTensor(g.weightShape).scalars
        let d = rng.uniformTensor(g.outputShape).scalars
        let flops = 2.0 * Double(g.batch * g.spatial.reduce(1, *) * g.cin * g.cout * g.taps)
        let rounds = flops > 1e10 ? 3 : 7
        let padded = convForward(x, w, g).paddedInput
        let spectra = convForwardFFTKeepingSpectra(x, w, g, sizes: g.minimalFFTSizes).spectra
        var dx = [Float](repeating: 0, count: x.count), dw = [Float](repeating: 0, count: w.count)
        func backward(_ body: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) -> Void) {
            dx.withUnsafeMutableBufferPointer { px in dw.withUnsafeMutableBufferPointer { pw in body(px.baseAddress!, pw.baseAddress!) } }
        }
        let methods: [() -> Void] = [
            { _ = convForward(x, w, g) },
            { _ = convForwardIm2Col(x, w, g) },
            { _ = convForwardFFT(x, w, g) },
            { backward { convBackward(d, paddedInput: padded, w, g, dx: $0, dw: $1) } },
            { backward { convBackwardIm2Col(d, input: x, w, g, dx: $0, dw: $1) } },
            { backward { convBackwardFFT(d, input: x, w, g, dx: $0, dw: $1) } },
            { _ = convForwardFFT(x, w, g, sizes: g.minimalFFTSizes) },
            { backward { convBackwardFFT(d, input: x, w, g, dx: $0, dw: $1, sizes: g.minimalFFTSizes) } },
            { backward { convBackwardFFT(d, spectra: spectra, dx: $0, dw: $1) } },
        ]
        let ms = interleavedMedians(methods, rounds: rounds, rotation: index).map { $0 * 1e3 }
        for i in 0..<9 { totals[i] += ms[i] }
        totals[9] += min(ms[0], ms[1]); totals[10] += min(ms[3], ms[4])
        // Accuracy against im2col.
        func scale(_ a: [Float]) -> Float { max(a.reduce(0) { max($0, abs($1)) }, .leastNormalMagnitude) }
        let ref = convForwardIm2Col(x, w, g)
        let errOut = maxAbsDifference(convForwardFFT(x, w, g), ref) / scale(ref)
        let (fx, fw) = convolutionGradients(inputCount: x.count, weightCount: w.count) { convBackwardFFT(d, input: x, w, g, dx: $0, dw: $1) }
        let (sx, sw) = convolutionGradients(inputCount: x.count, weightCount: w.count) { convBackwardIm2Col(d, input: x, w, g, dx: $0, dw: $1) }
        let errX = maxAbsDifference(fx, sx) / scale(sx), errW = maxAbsDifference(fw, sw) / scale(sw)
        // Where the FFT's time goes.
        let (seconds, total) = fftPhaseSeconds {
            _ = convForwardFFT(x, w, g)
            backward { convBackwardFFT(d, input: x, w, g, dx: $0, dw: $1) }
        }
        let phases = seconds.map { f(100 * $0 / total, 0) }
        row([name, f(flops / 1e9, 2), f(ms[0], 2), f(ms[1], 2), f(ms[2], 2), f(ms[6], 2), f(ms[2] / min(ms[0], ms[1]), 2),
             f(ms[3], 2), f(ms[4], 2), f(ms[5], 2), f(ms[7], 2), f(ms[8], 2), f(ms[5] / min(ms[3], ms[4]), 2),
             String(format: "%.1e, %.1e, %.1e", errOut, errX, errW), phases.joined(separator: " / ")])
        if index == quickSmokeUNetLayers().count - 1 {
            row(["**quick-smoke U-Net, all layers**", "", f(totals[0], 1), f(totals[1], 1), f(totals[2], 1), f(totals[6], 1),
                 f(totals[2] / totals[9], 2), f(totals[3], 1), f(totals[4], 1), f(totals[5], 1), f(totals[7], 1), f(totals[8], 1),
                 f(totals[5] / totals[10], 2), "", ""])
        }
        fflush(nil)   // all streams: rows appear as they are measured
    }
    print()
}

func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) } }

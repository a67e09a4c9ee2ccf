import Foundation
import NPTensor

/// 1-D convolutions through the frequency domain (as the 2-D convolution of one column, `ConvGeometry.columnGeometry`,
/// at the transform sizes `Tape.conv` uses, `fastFFTSizes`)
/// against the shifted GEMM, forward and backward (dx + dw; the FFT backward from the spectra its forward pass kept),
/// over kernel sizes and grid lengths around the 1-D ConvCNPs' (kernel 21; C = 32 at `quick`, 64 at `paper`).
/// `AENP_THREADS=1 npbench conv1d-fft`. Methods interleaved per round, as `conv2d-fft`; medians over 7 rounds.
func benchmarkFFTConvolution1D() {
    print("## 1-D convolution: shifted GEMM vs FFT (DFT-as-GEMM on one column), batch 16, \(workerCount) thread(s)\n")
    print("Median ms over 7 interleaved rounds. FFT / direct: forward + backward time over the direct method's; error:")
    print("max |FFT − direct| / max |direct| over output, dx and dw.\n")
    row(["channels", "kernel", "length", "direct fwd", "direct bwd", "FFT fwd", "FFT bwd", "FFT / direct", "rel. error",
         "FFT phases ms (transf / kernel / mix / copies)"])
    row(Array(repeating: "---", count: 10))
    for channels in [32, 64] {
        for kernel in [5, 9, 13, 21] {
            for length in [32, 64, 128, 256] {
                let g = ConvGeometry(batch: 16, spatial: [length], kernel: [kernel], cin: channels, cout: channels)
                let planar = g.columnGeometry, sizes = planar.fastFFTSizes
                var rng = RandomGenerator(seed: 3)
                let x = rng.uniformTensor(g.inputShape).scalars, w = rng.uniformTensor(g.weightShape).scalars
                let d = rng.uniformTensor(g.outputShape).scalars
                let padded = convForward(x, w, g).paddedInput
                let spectra = convForwardFFTKeepingSpectra(x, w, planar, sizes: sizes).spectra
                var dx = [Float](repeating: 0, count: x.count), dw = [Float](repeating: 0, count: w.count)
                func backward(_ body: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) -> Void) {
                    dx.withUnsafeMutableBufferPointer { px in dw.withUnsafeMutableBufferPointer { pw in body(px.baseAddress!, pw.baseAddress!) } }
                }
                let methods: [() -> Void] = [
                    { _ = convForward(x, w, g) },
                    { backward { convBackward(d, paddedInput: padded, w, g, dx: $0, dw: $1) } },
                    { _ = convForwardFFTKeepingSpectra(x, w, planar, sizes: sizes) },
                    { backward { convBackwardFFT(d, spectra: spectra, dx: $0, dw: $1) } },
                ]
                let ms = interleavedMedians(methods, rounds: 7).map { $0 * 1e3 }
                func scale(_ a: [Float]) -> Float { max(a.reduce(0) { max($0, abs($1)) }, .leastNormalMagnitude) }
                let ref = convForward(x, w, g).out
                let (sx, sw) = convolutionGradients(inputCount: x.count, weightCount: w.count) { convBackward(d, paddedInput: padded, w, g, dx: $0, dw: $1) }
                let (fx, fw) = convolutionGradients(inputCount: x.count, weightCount: w.count) { convBackwardFFT(d, spectra: spectra, dx: $0, dw: $1) }
                let error = max(maxAbsDifference(convForwardFFT(x, w, planar, sizes: sizes), ref) / scale(ref),
                                maxAbsDifference(fx, sx) / scale(sx), maxAbsDifference(fw, sw) / scale(sw))
                // Where the FFT's time goes: one extra forward + backward with the phase timers on.
                // Where the FFT's time goes: one extra forward + backward with the phase timers on.
                let phases = fftPhaseSeconds {
                    let kept = convForwardFFTKeepingSpectra(x, w, planar, sizes: sizes).spectra
                    backward { convBackwardFFT(d, spectra: kept, dx: $0, dw: $1) }
                }.phases.map { f(1e3 * $0, 2) }
                row(["\(channels)", "\(kernel)", "\(length)", f(ms[0], 2), f(ms[1], 2), f(ms[2], 2), f(ms[3], 2),
                     f((ms[2] + ms[3]) / (ms[0] + ms[1]), 2), String(format: "%.1e", error), phases.joined(separator: " / ")])
            }
        }
    }
    print("")
}

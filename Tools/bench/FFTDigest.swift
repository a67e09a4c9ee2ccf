import Foundation
import NPModels
import NPTensor

/// A fingerprint of the frequency-domain convolution's arithmetic: forward output, dx and dw (from the kept spectra)
/// at the U-Net layer shapes of the `quick-smoke` and `quick` presets, on seeded data, hashed bit for bit (FNV-1a).
/// Two builds (or thread counts) that print the same lines compute the same floats, so runs trained under
/// `AENP_CONVOLUTION=fft` continue identically; a change meant only to be faster must leave them unchanged.
/// `AENP_THREADS=1|2 npbench fft-digest`.
func printFFTDigest() {
    print("## FFT convolution digest (\(workerCount) thread(s)): FNV-1a of output, dx, dw\n")
    for (name, preset) in [("quick-smoke", GridCNNPreset.quickSmoke), ("quick", GridCNNPreset.quick)] {
        for (i, (_, g)) in uNetLayers(preset).enumerated() where g.prefersFFT(under: .fft) {
            var rng = RandomGenerator(seed: UInt64(7 + i))
            let x = rng.uniformTensor(g.inputShape, low: -1, high: 1).scalars, w = rng.uniformTensor(g.weightShape, low: -1, high: 1).scalars
            let d = rng.uniformTensor(g.outputShape, low: -1, high: 1).scalars
            let (out, spectra) = convForwardFFTKeepingSpectra(x, w, g, sizes: g.fastFFTSizes)
            let (dx, dw) = convolutionGradients(inputCount: x.count, weightCount: w.count) { convBackwardFFT(d, spectra: spectra, dx: $0, dw: $1) }
            let arrays: [[Float]] = [out, dx, dw]
            let digests = arrays.map { (a: [Float]) -> UInt64 in
                a.reduce(UInt64(0xcbf29ce484222325)) { h, v in (h ^ UInt64(v.bitPattern)) &* 0x100000001b3 }
            }
            print("\(name) conv \(i) \(g.spatial) \(g.cin)→\(g.cout): " + digests.map { String($0, radix: 16) }.joined(separator: " "))
        }
    }
    print("")
}

import Foundation
import NPTensor

/// `npbench gaussian-exp`: the SetConv's Gaussian weights exp(c · d²) over 2²⁰ squared distances, one thread's loop
/// of `Foundation.exp` (the `direct`/`fft` arithmetic) against `FastExp.gaussianWeights` (`fft2`), and the largest
/// difference between them in units of the last place.
func benchmarkGaussianExp() {
    print("## Gaussian weights exp(c·d²), 2^20 elements, one thread (median of 9 interleaved rounds)\n")
    let count = 1 << 20
    var rng = RandomGenerator(seed: 3)
    let d2 = rng.uniformTensor([count]).scalars.map { 200 * $0 * $0 }   // exponents from 0 to −100, most near 0
    let c: Float = -0.5
    var scalar = [Float](repeating: 0, count: count), vector = scalar
    let medians = interleavedMedians([
        { d2.withUnsafeBufferPointer { p in scalar.withUnsafeMutableBufferPointer { w in
            let (D, W) = (p.baseAddress!, w.baseAddress!)
            for i in 0..<count { let e = c * D[i]; W[i] = e < FastExp.gaussianCutoff ? 0 : Foundation.exp(e) } } } },
        { d2.withUnsafeBufferPointer { p in vector.withUnsafeMutableBufferPointer { w in
            FastExp.gaussianWeights(squaredDistances: p.baseAddress!, scale: c, into: w.baseAddress!, count: count) } } },
    ], rounds: 9)
    var worst: Float = 0
    for i in 0..<count where scalar[i] != 0 { worst = max(worst, abs(vector[i] - scalar[i]) / scalar[i].ulp) }
    row(["method", "ms", "ns / element"]); row(["---", "---", "---"])
    row(["Foundation.exp, element by element", f(medians[0] * 1e3, 2), f(medians[0] * 1e9 / Double(count), 2)])
    row(["FastExp.gaussianWeights (vectorised)", f(medians[1] * 1e3, 2), f(medians[1] * 1e9 / Double(count), 2)])
    print("\nLargest difference: \(f(Double(worst), 2)) units in the last place of Foundation.exp's value.\n")
}

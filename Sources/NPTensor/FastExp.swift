/// exp(x) in float32 without a libm call, for softmax rows (where glibc's `expf` was the largest non-GEMM cost
/// of a TNP step, and its underflow path `xflowf` the next: masked logits of −10³⁰ underflow on every call).
///
/// Cody–Waite range reduction x = n·ln2 + r, |r| ≤ ln2/2, with ln2 split into a 16-bit high part (so n·ln2_hi
/// is exact for |n| ≤ 128) and a low part; e^r by its degree-7 Taylor polynomial (truncation below 6·10⁻⁹
/// relative on |r| ≤ 0.347) in Horner form; n by the 1.5·2²³ rounding trick and 2ⁿ built from the exponent bits (no
/// float–integer conversion). Below x = −87 the result is exactly 0 (libm returns subnormals down to −103.9: the
/// difference is below 1.7·10⁻³⁸, and a masked logit of −10³⁰ gives exactly 0 as before); above 88 it saturates
/// at e⁸⁸ instead of overflowing. Relative error against `Foundation.exp` within 4·10⁻⁷ on [−87, 88]
/// (tested in `FastExpTests`, the reference).
public enum FastExp {
    @usableFromInline static let log2e: Float = 1.44269504088896341
    @usableFromInline static let ln2Hi: Float = 0.693145751953125
    @usableFromInline static let ln2Lo: Float = 1.42860676533018e-06
    /// 1.5·2²³: adding it rounds |v| < 2²² to an integer held in the low mantissa bits.
    @usableFromInline static let magic: Float = 12582912
    @usableFromInline static let magicBits: UInt32 = 0x4B40_0000

    /// exp(x), one value.
    @inlinable @inline(__always)
    public static func exp(_ x: Float) -> Float {
        let xc = Swift.min(Swift.max(x, -87), 88)
        let t = xc * log2e + magic   // round to the nearest integer: n sits in t's low mantissa bits
        let n = t - magic
        let r = (xc - n * ln2Hi) - n * ln2Lo
        var p: Float = 1 / 5040
        p = p * r + 1 / 720
        p = p * r + 1 / 120
        p = p * r + 1 / 24
        p = p * r + 1 / 6
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        let e = p * Float(bitPattern: (t.bitPattern &- magicBits &+ 127) &<< 23)
        return x < -87 ? 0 : e
    }

    /// y[j] = exp(s · (x[j] − shift)) for j in 0..<n; returns Σ y.
    @inlinable
    public static func shiftedExp(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count n: Int,
                                  scale s: Float, shift: Float) -> Float {
        // A branch-free loop of inlined `exp`: the compiler vectorises it; the sum is kept apart (four partial sums).
        for j in 0..<n { y[j] = exp(s * (x[j] - shift)) }
        var (s0, s1, s2, s3): (Float, Float, Float, Float) = (0, 0, 0, 0)
        var j = 0
        while j + 4 <= n { s0 += y[j]; s1 += y[j + 1]; s2 += y[j + 2]; s3 += y[j + 3]; j += 4 }
        var sum = (s0 + s1) + (s2 + s3)
        while j < n { sum += y[j]; j += 1 }
        return sum
    }

    /// Weights below e^−80 (< 2·10⁻³⁵) are exactly 0 in the SetConvs' Gaussians, as in `rbfWeights`: such weights
    /// would otherwise be denormal and slow every product that follows.
    public static let gaussianCutoff: Float = -80

    /// The SetConvs' Gaussian weights w[i] = exp(c · d2[i]) for i in 0..<count (c < 0, d2 ≥ 0), 0 where
    /// c · d2[i] < `gaussianCutoff`: the isotropic weights of `Tape.rbfWeights` under `fft2`, within 2 units in the
    /// last place of the Double exponential (tested in `GaussianExpTests`). A branch-free loop of the inlined `exp`,
    /// which the compiler vectorises.
    @inlinable
    public static func gaussianWeights(squaredDistances d2: UnsafePointer<Float>, scale c: Float, into w: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count {
            let e = c * d2[i]
            w[i] = e < gaussianCutoff ? 0 : exp(e)
        }
    }
}

/// The exponentials of the SetConv's Gaussian weights, exp(c · d²) with c < 0 and d² ≥ 0, sixteen lanes at a time.
///
/// `Foundation.exp` on a Float takes one call per element; the Gaussian weights of a SetConv are millions of them
/// per training step (the 1-D ConvCNP's encoder and decoder: about a fifth of its step). This computes the same
/// function in vector registers, rounded differently (within 2 units in the last place of the float32 result,
/// against a Double reference, over the whole range; tested), which is why only the `fft2` setting uses it.
///
/// The method is the usual one: write x = n·ln 2 + r with n = round(x / ln 2) and |r| ≤ ln 2 / 2, take exp(r) from
/// its Taylor polynomial to degree 7 (the first omitted term, r⁸/8!, is below 5·10⁻⁹ there, under half a unit in the
/// last place), and scale by 2ⁿ by writing n into the exponent bits. ln 2 is split in two parts (a high part with
/// trailing zero bits, so that n·ln2High is exact for the n that occur, and the rest), so that r is accurate.
public enum GaussianExp {
    /// Exponents below this give a weight of exactly 0, as in `rbfWeights`: such weights are below 2·10⁻³⁵ and
    /// would otherwise be denormal.
    public static let cutoff: Float = -80

    public typealias Lanes = SIMD16<Float>

    /// exp(x) for every lane with x in [cutoff, 0]; lanes below the cutoff give 0. (Other inputs are outside its
    /// contract: positive exponents do not occur in Gaussian weights.)
    @inlinable @inline(__always)
    public static func exp(_ x: Lanes) -> Lanes {
        // Plain multiplies and adds only: the package is built for the baseline x86-64 (no FMA, no SSE4.1 rounding),
        // where `addingProduct` and `rounded` would become a library call per lane.
        let log2e: Float = 1.442_695_04
        let ln2High: Float = 0.693_145_751_953_125    // 0x3F317200: ln 2 with its last 12 mantissa bits zero
        let ln2Low: Float = 1.428_606_765_330_187e-6  // ln 2 − ln2High
        let magic: Float = 12_582_912                 // 1.5 · 2²³: adding it rounds to an integer (to nearest, even)
        let clamped = x.replacing(with: Lanes(repeating: cutoff), where: x .< cutoff)
        let shifted = clamped * log2e + magic
        let n = shifted - magic                       // round(x / ln 2), in [−116, 0]
        // n·ln2High is exact (n has at most 7 bits, ln2High 12), so r keeps the bits that exp(r) needs.
        let r = (clamped - n * ln2High) - n * ln2Low
        // Taylor polynomial of exp(r) to degree 7, by Horner's rule.
        var p = Lanes(repeating: 1.0 / 5040)
        p = p * r + 1.0 / 720
        p = p * r + 1.0 / 120
        p = p * r + 1.0 / 24
        p = p * r + 1.0 / 6
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        // 2ⁿ: the integer n sits in the low mantissa bits of `shifted`; n + 127 in the exponent field is 2ⁿ.
        let integer = unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- 0x4B40_0000
        let scale = unsafeBitCast((integer &+ 127) &<< 23, to: Lanes.self)
        return (p * scale).replacing(with: 0, where: x .< cutoff)
    }

    /// w[i] = exp(c · d2[i]) for i in 0..<count (0 where c · d2[i] < cutoff), sixteen at a time, the tail by itself.
    @inlinable
    public static func weights(squaredDistances d2: UnsafePointer<Float>, scale c: Float, into w: UnsafeMutablePointer<Float>, count: Int) {
        let whole = count - count % Lanes.scalarCount
        for i in stride(from: 0, to: whole, by: Lanes.scalarCount) {
            let e = UnsafeRawPointer(d2 + i).loadUnaligned(as: Lanes.self) * c
            UnsafeMutableRawPointer(w + i).storeBytes(of: exp(e), as: Lanes.self)
        }
        if whole < count {
            var tail = Lanes(repeating: 0)
            for i in whole..<count { tail[i - whole] = d2[i] * c }
            let out = exp(tail)
            for i in whole..<count { w[i] = out[i - whole] }
        }
    }
}

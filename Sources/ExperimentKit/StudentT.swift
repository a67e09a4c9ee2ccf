import Foundation

/// Student's t distribution, for the critical values of verdicts that rest on few independent units (three training
/// seeds, two dozen month clusters): a mean over n units divided by its standard error follows t with n − 1 degrees
/// of freedom, whose tails are far heavier than the normal's when n is small.
public enum StudentT {
    /// The density of t with ν degrees of freedom.
    public static func density(_ x: Double, degreesOfFreedom nu: Double) -> Double {
        exp(logNormalizer(nu) - (nu + 1) / 2 * log1p(x * x / nu))
    }

    /// P(|T| > t) for T ~ t(ν), t ≥ 0, by Simpson's rule on a finite interval: 1 − 2∫₀ᵗ f for t ≤ 1, and for
    /// t > 1 the tail 2∫ₜ^∞ f written as 2∫₀^{1/t} f(1/u)/u² du (the substitution x = 1/u).
    public static func twoSidedTail(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        precondition(nu > 0 && t >= 0, "t(\(nu)) tail at \(t)")
        let c = logNormalizer(nu)   // once, not per point of the integral
        func f(_ x: Double) -> Double { exp(c - (nu + 1) / 2 * log1p(x * x / nu)) }
        if t <= 1 { return 1 - 2 * simpson(0, t, f) }
        // lim_{u→0} f(1/u)/u² = e^c·ν^{(ν+1)/2}·u^{ν−1}: finite at u = 0 only for ν ≤ 1, and 0 above.
        let atZero = nu <= 1 ? exp(c + (nu + 1) / 2 * log(nu)) : 0
        return 2 * simpson(0, 1 / t) { u in u > 0 ? f(1 / u) / (u * u) : atZero }
    }

    /// log Γ((ν+1)/2) − log Γ(ν/2) − ½ log(νπ): the log of the density's constant factor.
    static func logNormalizer(_ nu: Double) -> Double {
        lgamma((nu + 1) / 2) - lgamma(nu / 2) - 0.5 * log(nu * Double.pi)
    }

    /// The t with P(|T| > t) = p, by bisection on the (decreasing) tail.
    public static func criticalValue(twoSidedTail p: Double, degreesOfFreedom nu: Double) -> Double {
        precondition(p > 0 && p < 1, "tail probability \(p)")
        var lo = 0.0, hi = 1.0
        while twoSidedTail(hi, degreesOfFreedom: nu) > p { lo = hi; hi *= 2 }
        for _ in 0..<80 {
            let mid = (lo + hi) / 2
            if twoSidedTail(mid, degreesOfFreedom: nu) > p { lo = mid } else { hi = mid }
        }
        return (lo + hi) / 2
    }

    /// Composite Simpson's rule with 4,096 intervals.
    static func simpson(_ a: Double, _ b: Double, _ f: (Double) -> Double) -> Double {
        let n = 4096, h = (b - a) / Double(n)
        var sum = f(a) + f(b)
        for i in 1..<n { sum += (i % 2 == 1 ? 4 : 2) * f(a + Double(i) * h) }
        return sum * h / 3
    }
}

import Foundation

/// Tick positions at "nice" steps (1, 2, 2.5 or 5 × 10ᵏ) and their labels.
public enum Ticks {
    /// About `target` ticks covering `range` (only those inside it).
    public static func positions(_ range: ClosedRange<Double>, target: Int = 5) -> [Double] {
        let span = range.upperBound - range.lowerBound
        guard span > 0, span.isFinite else { return [range.lowerBound] }
        let step = niceStep(span / Double(max(target - 1, 1)))
        let first = (range.lowerBound / step).rounded(.up)
        let last = (range.upperBound / step).rounded(.down)
        guard last >= first else { return [] }
        return stride(from: first, through: last, by: 1).map { abs($0 * step) < step * 1e-9 ? 0 : $0 * step }
    }

    /// About `target` ticks, fewer (down to 2) while neighbouring labels of the given widths (points) would come
    /// closer than `gap` points on an axis of `pointsPerUnit` points per data unit.
    public static func positions(_ range: ClosedRange<Double>, target: Int, pointsPerUnit: Double, gap: Double = 3,
                                 labelWidth: (String) -> Double) -> [Double] {
        var target = target
        var ticks = positions(range, target: target)
        func touching(_ t: [Double]) -> Bool {
            let widths = labels(t).map(labelWidth)
            return t.indices.dropFirst().contains { i in
                (t[i] - t[i - 1]) * pointsPerUnit < (widths[i] + widths[i - 1]) / 2 + gap
            }
        }
        while target > 2 && touching(ticks) { target -= 1; ticks = positions(range, target: target) }
        return ticks
    }

    static func niceStep(_ raw: Double) -> Double {
        let exponent = floor(log10(raw))
        let base = pow(10, exponent)
        let fraction = raw / base
        let nice: Double = fraction < 1.5 ? 1 : fraction < 2.25 ? 2 : fraction < 3.5 ? 2.5 : fraction < 7.5 ? 5 : 10
        return nice * base
    }

    /// Labels with the fewest decimals that tell the ticks apart, and a true minus sign.
    public static func labels(_ ticks: [Double]) -> [String] {
        guard ticks.count > 1 else { return ticks.map { format($0, decimals: $0 == $0.rounded() ? 0 : 2) } }
        let step = zip(ticks.dropFirst(), ticks).map { $0 - $1 }.min()!
        var decimals = 0
        while decimals < 6 && abs(step * pow(10, Double(decimals)) - (step * pow(10, Double(decimals))).rounded()) > 1e-6 { decimals += 1 }
        return ticks.map { format($0, decimals: decimals) }
    }

    static func format(_ v: Double, decimals: Int) -> String {
        let s = String(format: "%.\(decimals)f", abs(v) < 1e-12 ? 0 : v)
        return s.hasPrefix("-") ? "\u{2212}" + s.dropFirst() : s
    }
}

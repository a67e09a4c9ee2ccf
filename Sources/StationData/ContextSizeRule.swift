import NPTensor

/// The context / target split of Docs/station-data.md §5.5: N_c ~ U{max(1, ⌊N/100⌋), ⌊N/3⌋} (discrete uniform), the other
/// N − N_c points are targets. The lower bound is raised to 1 because ⌊N/100⌋ = 0 for N < 100, common here.
public enum ContextSizeRule {
    /// The closed range N_c is drawn from, for N ≥ 2 points. The upper bound is at least the lower bound and at
    /// most N − 1, so every task keeps a context point and a target point.
    public static func bounds(pointCount n: Int) -> ClosedRange<Int> {
        precondition(n >= 2, "a task needs at least two points (one context, one target), got \(n)")
        let lower = max(1, n / 100)
        let upper = min(n - 1, max(lower, n / 3))
        return lower...upper
    }

    /// Draws N_c.
    public static func draw(pointCount n: Int, using generator: inout RandomGenerator) -> Int {
        generator.integer(in: bounds(pointCount: n))
    }

    /// A random split of indices 0..<n into `contextCount` context indices and the remaining target indices
    /// (a partial Fisher–Yates shuffle; both lists come back sorted).
    public static func split(pointCount n: Int, contextCount: Int,
                             using generator: inout RandomGenerator) -> (context: [Int], target: [Int]) {
        precondition(contextCount >= 0 && contextCount <= n, "context count \(contextCount) for \(n) points")
        var order = Array(0..<n)
        for i in 0..<contextCount {
            order.swapAt(i, generator.integer(in: i...(n - 1)))
        }
        return (order[..<contextCount].sorted(), order[contextCount...].sorted())
    }

    /// Draws N_c and splits in one step.
    public static func drawSplit(pointCount n: Int, using generator: inout RandomGenerator) -> (context: [Int], target: [Int]) {
        split(pointCount: n, contextCount: draw(pointCount: n, using: &generator), using: &generator)
    }
}

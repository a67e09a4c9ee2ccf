import SmokeSim

/// Where a patch lies in the frame, by what breaks translation equivariance there (Docs/paper-spec.md §7.2: "the closed box,
/// the fixed spherical obstacle, and the position of the smoke inflow"). A patch takes the first that applies:
/// within `margin` cells of the obstacle, of its simulation's inflow disk, of a wall; else elsewhere.
public enum PatchRegion: String, Codable, Sendable, CaseIterable {
    case obstacle
    case inflow
    case wall
    case elsewhere

    public var title: String {
        switch self {
        case .obstacle: "touching the obstacle"
        case .inflow: "near the inflow"
        case .wall: "near a wall"
        case .elsewhere: "elsewhere"
        }
    }

    /// Cells of slack around each feature.
    public static let margin = 2.0

    /// The region of a `side`-cell patch whose lowest row and leftmost column are `row`, `column`, in a frame of
    /// `size` cells with `obstacle`, for a simulation with `plume` (nil: unknown inflow, never "inflow").
    public static func of(row: Int, column: Int, side: Int, size: Int, obstacle: Obstacle?, inflowY: Double,
                          plume: PlumeParameters?) -> PatchRegion {
        // Cells span [k, k + 1): the patch covers [column, column + side) × [row, row + side).
        let (x0, x1, y0, y1) = (Double(column), Double(column + side), Double(row), Double(row + side))
        func distance(_ cx: Double, _ cy: Double) -> Double {
            let dx = max(x0 - cx, 0, cx - x1), dy = max(y0 - cy, 0, cy - y1)
            return (dx * dx + dy * dy).squareRoot()
        }
        if let o = obstacle, distance(o.centerX, o.centerY) <= o.radius + margin { return .obstacle }
        if let p = plume, distance(p.inflowX, inflowY) <= p.radius + margin { return .inflow }
        let n = Double(size)
        if min(x0, y0, n - x1, n - y1) <= margin { return .wall }
        return .elsewhere
    }
}

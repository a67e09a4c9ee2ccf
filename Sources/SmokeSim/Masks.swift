import Foundation

/// Cell and face masks of one grid/obstacle pair (Docs/smoke-simulator.md §a.4, §a.6), in the padded MAC layout of `MACLayout`.
public struct MACLayout: Sendable {
    public let n: Int
    public init(n: Int) { self.n = n }
    /// u is stored padded as (n + 2) rows × (n + 1) columns: row r is y = r − ½ (rows 0 and n + 1 are zero ghosts),
    /// column i is x = i (columns 0 and n are the zero wall faces).
    public var uWidth: Int { n + 1 }
    public var uCount: Int { (n + 2) * (n + 1) }
    /// v is stored padded as (n + 1) rows × (n + 2) columns: row j is y = j (rows 0 and n are wall faces),
    /// column c is x = c − ½ (columns 0 and n + 1 are zero ghosts).
    public var vWidth: Int { n + 2 }
    public var vCount: Int { (n + 1) * (n + 2) }
    /// Index of u at face (x = i, y = j + ½).
    @inline(__always) public func u(_ i: Int, _ j: Int) -> Int { (j + 1) * (n + 1) + i }
    /// Index of v at face (x = i + ½, y = j).
    @inline(__always) public func v(_ i: Int, _ j: Int) -> Int { j * (n + 2) + i + 1 }
}

public struct ObstacleMasks: Sendable {
    public let layout: MACLayout
    /// Per cell (row y, column x): true when the cell centre lies in the obstacle.
    public let solid: [Bool]
    public let fluidCount: Int
    /// Damping factor k(f) per u / v face, padded layout; 0 on walls and ghosts.
    public let keepU: [Double]
    public let keepV: [Double]
    /// 1 on interior faces whose two cells are fluid, else 0; padded layout.
    public let openU: [Double]
    public let openV: [Double]

    public init(n: Int, obstacle: Obstacle?) {
        let layout = MACLayout(n: n)
        self.layout = layout
        var solid = [Bool](repeating: false, count: n * n)
        if let o = obstacle {
            for j in 0..<n { for i in 0..<n {
                let dx = Double(i) + 0.5 - o.centerX, dy = Double(j) + 0.5 - o.centerY
                solid[j * n + i] = dx * dx + dy * dy <= o.radius * o.radius
            } }
        }
        self.solid = solid
        fluidCount = solid.lazy.filter { !$0 }.count
        func keep(_ x: Double, _ y: Double) -> Double {
            guard let o = obstacle else { return 1 }
            let d = ((x - o.centerX) * (x - o.centerX) + (y - o.centerY) * (y - o.centerY)).squareRoot()
            return min(max((d - o.radius) / 0.5.squareRoot(), 0), 1)
        }
        var keepU = [Double](repeating: 0, count: layout.uCount), openU = keepU
        for j in 0..<n { for i in 1..<n {
            keepU[layout.u(i, j)] = keep(Double(i), Double(j) + 0.5)
            openU[layout.u(i, j)] = (solid[j * n + i - 1] || solid[j * n + i]) ? 0 : 1
        } }
        var keepV = [Double](repeating: 0, count: layout.vCount), openV = keepV
        for j in 1..<n { for i in 0..<n {
            keepV[layout.v(i, j)] = keep(Double(i) + 0.5, Double(j))
            openV[layout.v(i, j)] = (solid[(j - 1) * n + i] || solid[j * n + i]) ? 0 : 1
        } }
        self.keepU = keepU; self.keepV = keepV; self.openU = openU; self.openV = openV
    }
}

/// The inflow mask on the n × n cells (row y, column x), Docs/smoke-simulator.md §a.6. Cells outside the box do not exist, so a
/// disk cut by the floor or a wall is simply truncated.
public func inflowMask(n: Int, centerX: Double, centerY: Double, radius: Double, kind: InflowMask) -> [Double] {
    var m = [Double](repeating: 0, count: n * n)
    for j in 0..<n { for i in 0..<n {
        let dx = Double(i) + 0.5 - centerX, dy = Double(j) + 0.5 - centerY
        let d2 = dx * dx + dy * dy
        switch kind {
        case .hard: m[j * n + i] = d2 <= radius * radius ? 1 : 0
        case .soft: m[j * n + i] = min(max(0.5 - (d2.squareRoot() - radius) / 0.5.squareRoot(), 0), 1)
        }
    } }
    return m
}

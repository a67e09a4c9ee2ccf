import Foundation

/// A deliberately plain Float64 implementation of one time step (Docs/smoke-simulator.md §a.2–§a.4), written from the
/// specification's words rather than for speed: explicit ghost rules, no padding, a dense linear solve for the pressure.
/// It is the oracle the tests compare `Engine` with on small grids.
public struct ReferenceState: Equatable, Sendable {
    public let n: Int
    /// s[y][x] at cell centres.
    public var s: [[Double]]
    /// u[y][x] at faces (x, y + ½), x = 0 … n (walls included, always 0).
    public var u: [[Double]]
    /// v[y][x] at faces (x + ½, y), y = 0 … n (walls included, always 0).
    public var v: [[Double]]

    public init(n: Int) {
        self.n = n
        s = Array(repeating: Array(repeating: 0, count: n), count: n)
        u = Array(repeating: Array(repeating: 0, count: n + 1), count: n)
        v = Array(repeating: Array(repeating: 0, count: n), count: n + 1)
    }

    /// Smoke at (x, y): bilinear on cell centres with the coordinates clamped into the centre lattice.
    public func smokeAt(_ x: Double, _ y: Double, field: [[Double]]? = nil) -> Double {
        let a = field ?? s
        let fx = min(max(x - 0.5, 0), Double(n - 1)), fy = min(max(y - 0.5, 0), Double(n - 1))
        return bilinear(fx, fy, width: n, height: n) { a[$1][$0] }
    }

    /// u at (x, y): lattice x = 0 … n, y = −½ … n + ½ where the outer rows are zero ghosts; clamped onto it.
    public func uAt(_ x: Double, _ y: Double) -> Double {
        let fx = min(max(x, 0), Double(n)), fy = min(max(y + 0.5, 0), Double(n + 1))
        return bilinear(fx, fy, width: n + 1, height: n + 2) { i, r in (r == 0 || r == n + 1) ? 0 : u[r - 1][i] }
    }

    /// v at (x, y): lattice x = −½ … n + ½ (outer columns zero ghosts), y = 0 … n; clamped onto it.
    public func vAt(_ x: Double, _ y: Double) -> Double {
        let fx = min(max(x + 0.5, 0), Double(n + 1)), fy = min(max(y, 0), Double(n))
        return bilinear(fx, fy, width: n + 2, height: n + 1) { c, j in (c == 0 || c == n + 1) ? 0 : v[j][c - 1] }
    }

    func bilinear(_ fx: Double, _ fy: Double, width: Int, height: Int, _ value: (Int, Int) -> Double) -> Double {
        let i0 = min(Int(fx.rounded(.down)), width - 2), j0 = min(Int(fy.rounded(.down)), height - 2)
        let tx = fx - Double(i0), ty = fy - Double(j0)
        return (1 - ty) * ((1 - tx) * value(i0, j0) + tx * value(i0 + 1, j0))
            + ty * ((1 - tx) * value(i0, j0 + 1) + tx * value(i0 + 1, j0 + 1))
    }

    /// One step of Docs/smoke-simulator.md §a.3 with the given setup and plume; returns the pressure (fluid mean 0).
    @discardableResult
    public mutating func step(setup: SmokeSetup, plume: PlumeParameters) -> [[Double]] {
        let dt = setup.dt
        let q = inflowMask(n: n, centerX: plume.inflowX, centerY: setup.inflowY, radius: plume.radius, kind: setup.inflowMask)
        // 1–2. MacCormack smoke advection with the limiter, then the inflow.
        var hat = s, newS = s
        for j in 0..<n { for i in 0..<n {
            let (cx, cy) = (Double(i) + 0.5, Double(j) + 0.5)
            hat[j][i] = smokeAt(cx - dt * uAt(cx, cy), cy - dt * vAt(cx, cy))
        } }
        for j in 0..<n { for i in 0..<n {
            let (cx, cy) = (Double(i) + 0.5, Double(j) + 0.5)
            let (wx, wy) = (uAt(cx, cy), vAt(cx, cy))
            let check = smokeAt(cx + dt * wx, cy + dt * wy, field: hat)
            let mc = hat[j][i] + 0.5 * (s[j][i] - check)
            let bx = Int((cx - dt * wx - 0.5).rounded(.down)), by = Int((cy - dt * wy - 0.5).rounded(.down))
            var around: [Double] = []
            for yy in [by, by + 1] { for xx in [bx, bx + 1] { around.append(s[min(max(yy, 0), n - 1)][min(max(xx, 0), n - 1)]) } }
            newS[j][i] = min(max(mc, around.min()!), around.max()!) + setup.inflowRate * q[j * n + i]
        } }
        // 3–5. Velocity self-advection from the old velocity, then buoyancy from the new smoke.
        var newU = u, newV = v
        for j in 0..<n { for i in 1..<n {
            let (px, py) = (Double(i), Double(j) + 0.5)
            newU[j][i] = uAt(px - dt * u[j][i], py - dt * vAt(px, py))
        } }
        let factor = plume.buoyancy * (setup.forceTimesDt ? dt : 1)
        for j in 1..<n { for i in 0..<n {
            let (px, py) = (Double(i) + 0.5, Double(j))
            newV[j][i] = vAt(px - dt * uAt(px, py), py - dt * v[j][i]) + factor * (newS[j - 1][i] + newS[j][i]) / 2
        } }
        s = newS; u = newU; v = newV
        return project(obstacle: setup.obstacle)
    }

    /// Docs/smoke-simulator.md §a.4 with a dense solve of the system with one fluid cell pinned to 0.
    public mutating func project(obstacle: Obstacle?) -> [[Double]] {
        let masks = ObstacleMasks(n: n, obstacle: obstacle)
        let L = masks.layout
        func solid(_ i: Int, _ j: Int) -> Bool { masks.solid[j * n + i] }
        for j in 0..<n { for i in 0...n { u[j][i] *= masks.keepU[L.u(i, j)] } }
        for j in 0...n { for i in 0..<n { v[j][i] *= masks.keepV[L.v(i, j)] } }
        var d = [Double](repeating: 0, count: n * n)
        for j in 0..<n { for i in 0..<n where !solid(i, j) { d[j * n + i] = u[j][i + 1] - u[j][i] + v[j + 1][i] - v[j][i] } }
        let mean = d.reduce(0, +) / Double(masks.fluidCount)
        for c in 0..<(n * n) where !masks.solid[c] { d[c] -= mean }
        let pin = masks.solid.firstIndex(of: false)!
        var a = [Double](repeating: 0, count: n * n * n * n)
        let nn = n * n
        for j in 0..<n { for i in 0..<n {
            let c = j * n + i
            if solid(i, j) || c == pin { a[c * nn + c] = 1; continue }
            for (di, dj) in [(-1, 0), (1, 0), (0, -1), (0, 1)] {
                let (x, y) = (i + di, j + dj)
                guard x >= 0, x < n, y >= 0, y < n, !solid(x, y) else { continue }
                a[c * nn + y * n + x] += 1; a[c * nn + c] -= 1           // Σ (p_nb − p_c) = D
            }
        } }
        var rhs = d; rhs[pin] = 0
        var p = denseSolve(a, rhs, m: nn)
        let pm = (0..<nn).filter { !masks.solid[$0] }.map { p[$0] }.reduce(0, +) / Double(masks.fluidCount)
        for c in 0..<nn { p[c] = masks.solid[c] ? 0 : p[c] - pm }
        for j in 0..<n { for i in 1..<n where masks.openU[L.u(i, j)] != 0 { u[j][i] -= p[j * n + i] - p[j * n + i - 1] } }
        for j in 1..<n { for i in 0..<n where masks.openV[L.v(i, j)] != 0 { v[j][i] -= p[j * n + i] - p[(j - 1) * n + i] } }
        return (0..<n).map { j in Array(p[(j * n)..<(j * n + n)]) }
    }
}

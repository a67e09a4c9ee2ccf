import Foundation

/// The pressure system of the projection (spec §a.4 step 6), written as L p = b with L positive semi-definite:
/// fluid cell c: Σ over the open faces of c of (p[c] − p[nb]) = b[c]; solid cell: p[c] = b[c] (= 0).
/// The projection passes b = −D. The constant on the fluid cells spans the null space; the solver returns
/// the solution whose mean over the fluid cells is 0 (it solves (L + w wᵀ) p = b with w = 1_fluid/√n_fluid).
///
/// Method (exact, set up once per grid and obstacle): L + w wᵀ differs from the obstacle-free
/// B = L₀ + e eᵀ (solved by `SpectralPoisson`) by a low-rank term U C Uᵀ, where U holds the unit vectors of the
/// cells S whose rows change (solid cells and their fluid neighbours), w and e. The Sherman–Morrison–Woodbury
/// identity then gives p = B⁻¹(b − U q) with (I + C Uᵀ B⁻¹ U) q = C Uᵀ B⁻¹ b: two spectral solves and one small
/// dense solve (size |S| + 2 ≈ 390 for the paper's obstacle) per step. The dense matrix is LU-factored once.
public final class PressureSolver: @unchecked Sendable {
    public let n: Int
    public let masks: ObstacleMasks
    let spectral: SpectralPoisson
    /// Cells whose rows of L differ from L₀.
    let changed: [Int]
    /// E = (L − L₀) restricted to changed × changed, sparse: (row, column, value) in positions of `changed`.
    let correction: [(Int, Int, Double)]
    /// w = 1_fluid/√n_fluid.
    let w: [Double]
    /// LU factors of the capacitance matrix K = I + C Uᵀ B⁻¹ U (row-major, size m = |S| + 2) and its pivots.
    let lu: [Double]
    let pivots: [Int]
    var m: Int { changed.count + 2 }

    public convenience init(n: Int, obstacle: Obstacle?) {
        self.init(masks: ObstacleMasks(n: n, obstacle: obstacle))
    }

    public init(masks: ObstacleMasks) {
        let n = masks.layout.n
        self.n = n; self.masks = masks
        spectral = SpectralPoisson(n: n)
        let solid = masks.solid
        func neighbours(_ c: Int) -> [Int] {
            let i = c % n, j = c / n
            var out: [Int] = []
            if i > 0 { out.append(c - 1) }; if i < n - 1 { out.append(c + 1) }
            if j > 0 { out.append(c - n) }; if j < n - 1 { out.append(c + n) }
            return out
        }
        var changed: [Int] = []
        for c in 0..<(n * n) where solid[c] || neighbours(c).contains(where: { solid[$0] }) { changed.append(c) }
        self.changed = changed
        // Entries of L and L₀.
        func l0(_ a: Int, _ b: Int) -> Double { a == b ? Double(neighbours(a).count) : (neighbours(a).contains(b) ? -1 : 0) }
        func l(_ a: Int, _ b: Int) -> Double {
            if solid[a] { return a == b ? 1 : 0 }
            if a == b { return Double(neighbours(a).filter { !solid[$0] }.count) }
            return (!solid[b] && neighbours(a).contains(b)) ? -1 : 0
        }
        var position = [Int: Int](); for (k, c) in changed.enumerated() { position[c] = k }
        var correction: [(Int, Int, Double)] = []
        for (ka, a) in changed.enumerated() {
            for b in [a] + neighbours(a) {
                guard let kb = position[b] else { continue }
                let e = l(a, b) - l0(a, b)
                if e != 0 { correction.append((ka, kb, e)) }
            }
        }
        self.correction = correction
        let fluid = Double(masks.fluidCount)
        w = solid.map { $0 ? 0 : 1 / fluid.squareRoot() }
        let e = [Double](repeating: 1 / Double(n), count: n * n)

        // G = Uᵀ B⁻¹ U, column by column.
        let m = changed.count + 2
        var g = [Double](repeating: 0, count: m * m)
        for col in 0..<m {
            var u = [Double](repeating: 0, count: n * n)
            if col < changed.count { u[changed[col]] = 1 } else if col == changed.count { u = w } else { u = e }
            let z = spectral.solve(u)
            for (row, c) in changed.enumerated() { g[row * m + col] = z[c] }
            g[changed.count * m + col] = zip(w, z).reduce(0) { $0 + $1.0 * $1.1 }
            g[(changed.count + 1) * m + col] = z.reduce(0, +) / Double(n)
        }
        // K = I + C G with C = diag-block(E, 1, −1).
        var k = [Double](repeating: 0, count: m * m)
        for (ra, rb, val) in correction { for col in 0..<m { k[ra * m + col] += val * g[rb * m + col] } }
        for col in 0..<m {
            k[changed.count * m + col] = g[changed.count * m + col]
            k[(changed.count + 1) * m + col] = -g[(changed.count + 1) * m + col]
        }
        for d in 0..<m { k[d * m + d] += 1 }
        (lu, pivots) = luFactor(k, m: m)
    }

    /// Scratch space of one caller (one per thread).
    public final class Workspace {
        var y: [Double], scratch: [Double], small: [Double], rhs: [Double]
        public init(solver: PressureSolver) {
            y = [Double](repeating: 0, count: solver.n * solver.n); scratch = y; rhs = y
            small = [Double](repeating: 0, count: solver.m)
        }
    }

    /// p = the fluid-mean-zero solution of L p = b (b must sum to 0 over fluid cells and be 0 on solid cells).
    public func solve(_ b: UnsafePointer<Double>, into p: UnsafeMutablePointer<Double>, workspace ws: Workspace) {
        let nn = n * n, k = changed.count
        ws.scratch.withUnsafeMutableBufferPointer { sp in
        ws.y.withUnsafeMutableBufferPointer { yp in
        ws.rhs.withUnsafeMutableBufferPointer { rp in
        ws.small.withUnsafeMutableBufferPointer { qp in
            let y = yp.baseAddress!, rhs = rp.baseAddress!, q = qp.baseAddress!
            spectral.solve(b, into: y, scratch: sp.baseAddress!)
            // t = C Uᵀ y
            for a in 0..<(k + 2) { q[a] = 0 }
            for (ra, rb, val) in correction { q[ra] += val * y[changed[rb]] }
            var wy = 0.0, ey = 0.0
            w.withUnsafeBufferPointer { wp in for c in 0..<nn { wy += wp[c] * y[c]; ey += y[c] } }
            q[k] = wy; q[k + 1] = -ey / Double(n)
            luSolve(lu, pivots, m: k + 2, q)
            // rhs = b − U q
            let qe = q[k + 1] / Double(n), qw = q[k]
            w.withUnsafeBufferPointer { wp in for c in 0..<nn { rhs[c] = b[c] - qw * wp[c] - qe } }
            for (a, c) in changed.enumerated() { rhs[c] -= q[a] }
            spectral.solve(UnsafePointer(rhs), into: p, scratch: sp.baseAddress!)
        } } } }
    }

    /// Array convenience (allocates a workspace).
    public func solve(_ b: [Double]) -> [Double] {
        precondition(b.count == n * n, "PressureSolver.solve: \(b.count) values for n = \(n)")
        var p = [Double](repeating: 0, count: n * n)
        let ws = Workspace(solver: self)
        b.withUnsafeBufferPointer { bp in p.withUnsafeMutableBufferPointer { solve(bp.baseAddress!, into: $0.baseAddress!, workspace: ws) } }
        return p
    }

    /// out = L p (the singular operator, without the w wᵀ term).
    public func apply(_ p: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>) {
        let n = self.n
        masks.solid.withUnsafeBufferPointer { solid in
            for j in 0..<n { for i in 0..<n {
                let c = j * n + i
                if solid[c] { out[c] = p[c]; continue }
                var acc = 0.0
                if i > 0, !solid[c - 1] { acc += p[c] - p[c - 1] }
                if i < n - 1, !solid[c + 1] { acc += p[c] - p[c + 1] }
                if j > 0, !solid[c - n] { acc += p[c] - p[c - n] }
                if j < n - 1, !solid[c + n] { acc += p[c] - p[c + n] }
                out[c] = acc
            } }
        }
    }

    public func apply(_ p: [Double]) -> [Double] {
        var out = p
        p.withUnsafeBufferPointer { pp in out.withUnsafeMutableBufferPointer { apply(pp.baseAddress!, into: $0.baseAddress!) } }
        return out
    }

    private static let cacheLock = NSLock()
    nonisolated(unsafe) private static var cache: [String: PressureSolver] = [:]

    /// One solver per grid size and obstacle for the whole process (the set-up costs a few hundred spectral solves).
    public static func shared(n: Int, obstacle: Obstacle?) -> PressureSolver {
        let key = "\(n)|" + (obstacle.map { "\($0.centerX),\($0.centerY),\($0.radius)" } ?? "none")
        cacheLock.lock(); defer { cacheLock.unlock() }
        if let s = cache[key] { return s }
        let s = PressureSolver(n: n, obstacle: obstacle)
        cache[key] = s
        return s
    }
}

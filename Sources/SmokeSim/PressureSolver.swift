import Foundation

/// The pressure system of the projection (Docs/smoke-simulator.md §a.4 step 6), written as L p = b with L positive semi-definite:
/// fluid cell c: Σ over the open faces of c of (p[c] − p[nb]) = b[c]; solid cell: p[c] = b[c] (= 0).
/// The projection passes b = −D. The constant on the fluid cells spans the null space; the solver returns
/// the solution whose mean over the fluid cells is 0 (it solves (L + w wᵀ) p = b with w = 1_fluid/√n_fluid).
///
/// Method (exact, set up once per grid and obstacle): L + w wᵀ differs from the obstacle-free
/// B = L₀ + e eᵀ (solved by `SpectralPoisson`) by a low-rank term U C Uᵀ, where U holds the unit vectors of the
/// cells S whose rows change (solid cells and their fluid neighbours), w and e. The Sherman–Morrison–Woodbury
/// identity then gives p = B⁻¹(b − U q) with (I + C Uᵀ B⁻¹ U) q = C Uᵀ B⁻¹ b. The set-up computes Uᵀ B⁻¹ U by
/// |S| + 2 spectral solves and stores M = (I + C Uᵀ B⁻¹ U)⁻¹ C (size |S| + 2 = 392 for the paper's obstacle);
/// a step costs two spectral solves, which share their transforms (see `solve`), and one product with M.
public final class PressureSolver: @unchecked Sendable {
    public let n: Int
    public let masks: ObstacleMasks
    let solid: [Bool]
    let spectral: SpectralPoisson
    /// Cells whose rows of L differ from L₀.
    let changed: [Int]
    /// E = (L − L₀) restricted to changed × changed, sparse: (row, column, value) in positions of `changed`.
    let correction: [(Int, Int, Double)]
    /// w = 1_fluid/√n_fluid.
    let w: [Double]
    /// M = K⁻¹ C with the capacitance matrix K = I + C Uᵀ B⁻¹ U (row-major, size m = |S| + 2): q = M Uᵀ B⁻¹ b.
    let capacitance: [Double]
    /// Positions in `changed` of the solid cells.
    let solidPositions: [Int]
    var m: Int { changed.count + 2 }

    public convenience init(n: Int, obstacle: Obstacle?) {
        self.init(masks: ObstacleMasks(n: n, obstacle: obstacle))
    }

    public init(masks: ObstacleMasks) {
        let n = masks.layout.n
        self.n = n; self.masks = masks; self.solid = masks.solid
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
        // K = I + C G with C = diag-block(E, 1, −1); M = K⁻¹ C.
        var k = [Double](repeating: 0, count: m * m)
        for (ra, rb, val) in correction { for col in 0..<m { k[ra * m + col] += val * g[rb * m + col] } }
        for col in 0..<m {
            k[changed.count * m + col] = g[changed.count * m + col]
            k[(changed.count + 1) * m + col] = -g[(changed.count + 1) * m + col]
        }
        for d in 0..<m { k[d * m + d] += 1 }
        let (lu, pivots) = luFactor(k, m: m)
        var cm = [Double](repeating: 0, count: m * m)     // C, dense
        for (ra, rb, val) in correction { cm[ra * m + rb] += val }
        cm[changed.count * m + changed.count] = 1; cm[(changed.count + 1) * m + changed.count + 1] = -1
        var result = [Double](repeating: 0, count: m * m), column = [Double](repeating: 0, count: m)
        for col in 0..<m {
            for r in 0..<m { column[r] = cm[r * m + col] }
            if column.allSatisfy({ $0 == 0 }) { continue }
            column.withUnsafeMutableBufferPointer { luSolve(lu, pivots, m: m, $0.baseAddress!) }
            for r in 0..<m { result[r * m + col] = column[r] }
        }
        capacitance = result
        solidPositions = changed.indices.filter { solid[changed[$0]] }
    }

    /// Scratch space of one caller (one per thread).
    public final class Workspace {
        var bh: [Double], yh: [Double], g: [Double], q: [Double], column: [Double]
        public init(solver: PressureSolver) {
            bh = [Double](repeating: 0, count: solver.n * solver.n); yh = bh
            g = [Double](repeating: 0, count: solver.m); q = g
            column = [Double](repeating: 0, count: solver.n)
        }
    }

    /// p = the fluid-mean-zero solution of L p = b (b must sum to 0 over fluid cells and be 0 on solid cells).
    ///
    /// Works in the x-mode space of `SpectralPoisson` throughout, so a solve costs two n³ products: b̂ = b Q;
    /// ŷ = B⁻¹ b̂ mode by mode; g = Uᵀ y needs y only at the changed cells (a dot product each) and sums that
    /// follow from the k = 0 column; q = M g; the right-hand side b − U q is updated in mode space (U's columns
    /// are unit vectors, w and e, whose transforms are rows of Q and the k = 0 column); a second mode solve and
    /// one inverse transform give p.
    public func solve(_ b: UnsafePointer<Double>, into p: UnsafeMutablePointer<Double>, workspace ws: Workspace) {
        let n = self.n, k = changed.count, m = k + 2
        let sqrtN = Double(n).squareRoot(), sqrtF = Double(masks.fluidCount).squareRoot()
        ws.bh.withUnsafeMutableBufferPointer { bhp in
        ws.yh.withUnsafeMutableBufferPointer { yhp in
        ws.g.withUnsafeMutableBufferPointer { gp in
        ws.q.withUnsafeMutableBufferPointer { qp in
        ws.column.withUnsafeMutableBufferPointer { cp in
        spectral.q.withUnsafeBufferPointer { qq in
        capacitance.withUnsafeBufferPointer { mp in
            let bh = bhp.baseAddress!, yh = yhp.baseAddress!, g = gp.baseAddress!, q = qp.baseAddress!, Q = qq.baseAddress!
            spectral.forward(b, into: bh)
            yh.update(from: bh, count: n * n)
            spectral.solveTransformed(yh, column: cp.baseAddress!)
            // g = [y at the changed cells, wᵀy, eᵀy]
            for (a, c) in changed.enumerated() {
                let row = yh + (c / n) * n, basis = Q + (c % n) * n
                var acc = 0.0
                for l in 0..<n { acc += row[l] * basis[l] }
                g[a] = acc
            }
            var total = 0.0                       // Σ y = √n Σ_j ŷ[j, 0]
            for j in 0..<n { total += yh[j * n] }
            total *= sqrtN
            var solidSum = 0.0
            for a in solidPositions { solidSum += g[a] }
            g[k] = (total - solidSum) / sqrtF
            g[k + 1] = total / Double(n)
            // q = M g
            for r in 0..<m {
                let row = mp.baseAddress! + r * m
                var acc = 0.0
                for c in 0..<m { acc += row[c] * g[c] }
                q[r] = acc
            }
            // b̂ ← (b − U q)̂
            for (a, c) in changed.enumerated() {
                let row = bh + (c / n) * n, basis = Q + (c % n) * n, qa = q[a]
                for l in 0..<n { row[l] -= qa * basis[l] }
            }
            let qw = q[k] / sqrtF
            for a in solidPositions {            // w = (1 − 1_solid)/√n_fluid
                let c = changed[a]
                let row = bh + (c / n) * n, basis = Q + (c % n) * n
                for l in 0..<n { row[l] += qw * basis[l] }
            }
            let shift = qw * sqrtN + q[k + 1] / sqrtN
            for j in 0..<n { bh[j * n] -= shift }
            spectral.solveTransformed(bh, column: cp.baseAddress!)
            spectral.inverse(bh, into: p)
        } } } } } } }
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
        self.solid.withUnsafeBufferPointer { solid in
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

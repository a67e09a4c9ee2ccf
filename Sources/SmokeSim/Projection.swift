/// Pressure projection with the obstacle (Docs/smoke-simulator.md §a.4): damp the faces, take the divergence on fluid cells, make it
/// compatible, solve the Poisson system and correct the open faces. Pressure is solved in Float64 whatever T is.
final class Projector<T: SmokeScalar> {
    let solver: PressureSolver
    let workspace: PressureSolver.Workspace
    let keepU: [T], keepV: [T], openU: [T], openV: [T]
    /// The solid-cell mask (a copy: reading it through `solver.masks` copied the whole struct every step).
    let solid: [Bool]
    var rhs: [Double]
    /// The last pressure (fluid mean 0).
    var pressure: [Double]
    /// Scratch for the residual check.
    var check: [Double]

    init(solver: PressureSolver) {
        self.solver = solver
        workspace = PressureSolver.Workspace(solver: solver)
        let m = solver.masks
        keepU = m.keepU.map { T($0) }; keepV = m.keepV.map { T($0) }
        openU = m.openU.map { T($0) }; openV = m.openV.map { T($0) }
        solid = m.solid
        rhs = [Double](repeating: 0, count: solver.n * solver.n)
        pressure = rhs; check = rhs
    }

    /// Projects (u, v) in place and returns ‖L p − b‖ / ‖b‖ (0 when b = 0).
    @discardableResult
    func project(u: UnsafeMutablePointer<T>, v: UnsafeMutablePointer<T>) -> Double {
        let n = solver.n, uw = n + 1, vw = n + 2
        let layout = solver.masks.layout
        keepU.withUnsafeBufferPointer { k in for idx in 0..<layout.uCount { u[idx] *= k[idx] } }
        keepV.withUnsafeBufferPointer { k in for idx in 0..<layout.vCount { v[idx] *= k[idx] } }
        let fluidCount = Double(solver.masks.fluidCount)
        var residual = 0.0
        self.solid.withUnsafeBufferPointer { solid in
        rhs.withUnsafeMutableBufferPointer { bp in
        pressure.withUnsafeMutableBufferPointer { pp in
        check.withUnsafeMutableBufferPointer { cp in
            let b = bp.baseAddress!, p = pp.baseAddress!
            var total = 0.0
            for j in 0..<n { for i in 0..<n {
                let c = j * n + i
                if solid[c] { b[c] = 0; continue }
                let ur = u + (j + 1) * uw + i
                let d = Double(ur[1] - ur[0]) + Double(v[(j + 1) * vw + i + 1] - v[j * vw + i + 1])
                b[c] = d; total += d
            } }
            let mean = total / fluidCount
            var norm2 = 0.0
            for c in 0..<(n * n) where !solid[c] { b[c] = mean - b[c]; norm2 += b[c] * b[c] }   // b = −(D − mean)
            if norm2 == 0 { for c in 0..<(n * n) { p[c] = 0 }; return }
            solver.solve(UnsafePointer(b), into: p, workspace: workspace)
            solver.apply(UnsafePointer(p), into: cp.baseAddress!)
            var r2 = 0.0
            for c in 0..<(n * n) { let r = cp[c] - b[c]; r2 += r * r }
            residual = (r2 / norm2).squareRoot()
        } } } }
        pressure.withUnsafeBufferPointer { p in
            openU.withUnsafeBufferPointer { o in
                for j in 0..<n { for i in 1..<n {
                    let idx = (j + 1) * uw + i
                    if o[idx] != 0 { u[idx] -= T(p[j * n + i] - p[j * n + i - 1]) }
                } }
            }
            openV.withUnsafeBufferPointer { o in
                for j in 1..<n { for i in 0..<n {
                    let idx = j * vw + i + 1
                    if o[idx] != 0 { v[idx] -= T(p[j * n + i] - p[(j - 1) * n + i]) }
                } }
            }
        }
        return residual
    }
}

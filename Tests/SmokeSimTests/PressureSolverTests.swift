import Foundation
import Testing
@testable import SmokeSim

struct PressureSolverTests {
    /// The spectral solver inverts L₀ + e eᵀ exactly.
    @Test func spectralSolverInvertsNeumannLaplacianPlusConstant() {
        let n = 6, sp = SpectralPoisson(n: n), free = PressureSolver(n: n, obstacle: nil)
        let b = (0..<(n * n)).map { sin(Double($0) * 1.7) }
        let p = sp.solve(b)
        var lp = free.apply(p)
        let mean = p.reduce(0, +) / Double(n * n)
        for c in lp.indices { lp[c] += mean }                 // e eᵀ p = mean(p)·1 (e = 1/n)
        #expect(relativeL2(lp, b) < 1e-12)
        // The fast path (x-transform by BLAS, Thomas along y) equals the doubly diagonalised plain-loop oracle.
        #expect(relativeL2(p, sp.solveReference(b)) < 1e-12)
        let big = SpectralPoisson(n: 32), r = (0..<(32 * 32)).map { cos(Double($0) * 0.31) }
        #expect(relativeL2(big.solve(r), big.solveReference(r)) < 1e-12)
    }

    /// The capacitance (Woodbury) solver matches a dense LU solve of the pinned system, with and without obstacle.
    @Test func solverMatchesDenseReference() {
        for obstacle in [Obstacle(centerX: 7, centerY: 9, radius: 2.6), nil] {
            let n = 12
            let solver = PressureSolver(n: n, obstacle: obstacle)
            let solid = solver.masks.solid
            var b = (0..<(n * n)).map { solid[$0] ? 0 : cos(Double($0) * 0.37) + 0.2 }
            let mean = (0..<(n * n)).filter { !solid[$0] }.map { b[$0] }.reduce(0, +) / Double(solver.masks.fluidCount)
            for c in b.indices where !solid[c] { b[c] -= mean }
            let p = solver.solve(b)
            // Dense: rows of L, one fluid cell pinned.
            let nn = n * n, pin = solid.firstIndex(of: false)!
            var a = [Double](repeating: 0, count: nn * nn)
            for c in 0..<nn {
                var e = [Double](repeating: 0, count: nn); e[c] = 1
                let col = solver.apply(e)
                for r in 0..<nn { a[r * nn + c] = col[r] }
            }
            for c in 0..<nn { a[pin * nn + c] = c == pin ? 1 : 0 }
            var rhs = b; rhs[pin] = 0
            var ref = denseSolve(a, rhs, m: nn)
            let rm = (0..<nn).filter { !solid[$0] }.map { ref[$0] }.reduce(0, +) / Double(solver.masks.fluidCount)
            for c in 0..<nn where !solid[c] { ref[c] -= rm }
            #expect(relativeL2(p, ref) < 1e-10, "obstacle \(String(describing: obstacle))")
            #expect(relativeL2(solver.apply(p), b) < 1e-10)
            for c in 0..<nn where solid[c] { #expect(abs(p[c] - 0) <= 1e-12) }
        }
    }

    /// On the paper's 128² grid and obstacle the residual meets ‖r‖ ≤ 1e-6‖b‖ by a wide margin.
    @Test func paperGridResidual() {
        let solver = PressureSolver.shared(n: 128, obstacle: .paper)
        let (u, v) = randomVelocity(n: 128, seed: 4)
        let d = divergence(n: 128, u: u, v: v)
        let solid = solver.masks.solid
        var b = d.indices.map { solid[$0] ? 0 : -d[$0] }
        let mean = b.reduce(0, +) / Double(solver.masks.fluidCount)
        for c in b.indices where !solid[c] { b[c] -= mean }
        let p = solver.solve(b)
        #expect(relativeL2(solver.apply(p), b) < 1e-9)
    }
}

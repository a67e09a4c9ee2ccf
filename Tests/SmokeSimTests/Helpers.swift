import Foundation
@testable import SmokeSim

/// A small test configuration: n × n box with the paper's geometry scaled down.
func smallSetup(n: Int = 24, obstacle: Bool = true, scaling: SmokeScaling = .tutorial, steps: Int = 10) -> SmokeSetup {
    let f = Double(n) / 128
    return SmokeSetup(scaling: scaling, obstacle: obstacle ? Obstacle(centerX: 64 * f, centerY: 100 * f, radius: 10 * f) : nil,
                      steps: steps, gridSize: n)
}

func relativeL2(_ a: [Double], _ b: [Double]) -> Double {
    precondition(a.count == b.count)
    var num = 0.0, den = 0.0
    for k in a.indices { num += (a[k] - b[k]) * (a[k] - b[k]); den += b[k] * b[k] }
    return den == 0 ? num.squareRoot() : (num / den).squareRoot()
}

func maxAbs(_ a: [Double]) -> Double { a.map { abs($0) }.max() ?? 0 }

/// Random face velocities on the interior faces of the padded layout (walls and ghosts 0).
func randomVelocity(n: Int, seed: UInt64) -> (u: [Double], v: [Double]) {
    var state = seed &+ 0x9E37_79B9_7F4A_7C15
    func next() -> Double {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Double(state >> 11) * 0x1.0p-53 * 2 - 1
    }
    let l = MACLayout(n: n)
    var u = [Double](repeating: 0, count: l.uCount), v = [Double](repeating: 0, count: l.vCount)
    for j in 0..<n { for i in 1..<n { u[l.u(i, j)] = next() } }
    for j in 1..<n { for i in 0..<n { v[l.v(i, j)] = next() } }
    return (u, v)
}

/// Divergence per cell of padded (u, v).
func divergence(n: Int, u: [Double], v: [Double]) -> [Double] {
    let l = MACLayout(n: n)
    var d = [Double](repeating: 0, count: n * n)
    for j in 0..<n { for i in 0..<n { d[j * n + i] = u[l.u(i + 1, j)] - u[l.u(i, j)] + v[l.v(i, j + 1)] - v[l.v(i, j)] } }
    return d
}

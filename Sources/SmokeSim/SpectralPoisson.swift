import CBLAS
import Foundation
import NPTensor

/// Exact solver for B = L₀ + e eᵀ on the n × n cells (row y, column x), where L₀ is the positive semi-definite
/// 5-point Neumann Laplacian of the full closed box (every interior face open) and e = 1/n is the normalised
/// constant vector.
///
/// The cosine basis Q[i, k] = c_k cos(π k (i + ½)/n) diagonalises the 1-D Neumann Laplacian. Transforming the
/// rows (R̂ = R Q, one n × n × n product in Float64 BLAS) splits B into one tridiagonal system along y per x-mode
/// k: (T_y + λ_k I) with λ_k = 2 − 2cos(πk/n), solved by the Thomas algorithm with precomputed pivots; for k = 0,
/// where T_y is singular, e eᵀ contributes (1/n) 1 1ᵀ and the system is solved with a precomputed dense inverse.
/// The inverse transform is R = R̂ Qᵀ. `solveReference` (tests) diagonalises both directions instead.
public final class SpectralPoisson: @unchecked Sendable {
    public let n: Int
    /// Q[i, k], row-major.
    let q: [Double]
    let lambda: [Double]
    /// Thomas algorithm pivots 1/denominator, [j][k] row-major (k = 0 column unused).
    let inverseDenominator: [Double]
    /// Dense inverse of T_y + (1/n) 1 1ᵀ (the k = 0 system), row-major.
    let zeroModeInverse: [Double]

    public init(n: Int) {
        precondition(n >= 2, "SpectralPoisson needs n ≥ 2")
        BLASRuntime.configure()
        self.n = n
        var q = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for k in 0..<n {
            let c = k == 0 ? (1 / Double(n)).squareRoot() : (2 / Double(n)).squareRoot()
            q[i * n + k] = c * cos(Double.pi * Double(k) * (Double(i) + 0.5) / Double(n))
        } }
        self.q = q
        lambda = (0..<n).map { 2 - 2 * cos(Double.pi * Double($0) / Double(n)) }
        // Thomas: sub- and super-diagonal −1, diagonal d_j = λ_k + (1 or 2) (1 at the two Neumann ends).
        var inv = [Double](repeating: 0, count: n * n)
        for k in 1..<n {
            var cPrev = 0.0
            for j in 0..<n {
                let diag = lambda[k] + ((j == 0 || j == n - 1) ? 1 : 2)
                let denom = diag + (j == 0 ? 0 : cPrev)      // b_j − a_j c'_{j−1} with a_j = −1
                inv[j * n + k] = 1 / denom
                cPrev = -1 / denom                            // c'_j = c_j / denom with c_j = −1
            }
        }
        inverseDenominator = inv
        var t = [Double](repeating: 1 / Double(n), count: n * n)
        for j in 0..<n {
            t[j * n + j] += (j == 0 || j == n - 1) ? 1 : 2
            if j > 0 { t[j * n + j - 1] -= 1 }
            if j < n - 1 { t[j * n + j + 1] -= 1 }
        }
        var zinv = [Double](repeating: 0, count: n * n)
        for col in 0..<n {
            var e = [Double](repeating: 0, count: n); e[col] = 1
            let x = denseSolve(t, e, m: n)
            for r in 0..<n { zinv[r * n + col] = x[r] }
        }
        zeroModeInverse = zinv
    }

    /// out = R Q (transform along x). `out` must not alias `r`.
    public func forward(_ r: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>) {
        let n32 = Int32(n)
        q.withUnsafeBufferPointer { cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n32, n32, n32, 1, r, n32, $0.baseAddress!, n32, 0, out, n32) }
    }

    /// out = R̂ Qᵀ (back from the x-modes). `out` must not alias `rh`.
    public func inverse(_ rh: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>) {
        let n32 = Int32(n)
        q.withUnsafeBufferPointer { cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n32, n32, n32, 1, rh, n32, $0.baseAddress!, n32, 0, out, n32) }
    }

    /// Solves the per-mode systems in place on transformed values R̂[j][k]; `column` is n scratch values.
    public func solveTransformed(_ x: UnsafeMutablePointer<Double>, column: UnsafeMutablePointer<Double>) {
        let n = self.n
        inverseDenominator.withUnsafeBufferPointer { ip in
            let inv = ip.baseAddress!
            // Forward sweep: d'_j = (d_j + d'_{j−1}) / denom_j, vectorised across the modes of a row.
            for k in 1..<n { x[k] *= inv[k] }
            for j in 1..<n {
                let row = x + j * n, prev = x + (j - 1) * n, ir = inv + j * n
                for k in 1..<n { row[k] = (row[k] + prev[k]) * ir[k] }
            }
            // Back substitution: x_j = d'_j − c'_j x_{j+1} = d'_j + x_{j+1} / denom_j.
            for j in stride(from: n - 2, through: 0, by: -1) {
                let row = x + j * n, next = x + (j + 1) * n, ir = inv + j * n
                for k in 1..<n { row[k] += next[k] * ir[k] }
            }
        }
        zeroModeInverse.withUnsafeBufferPointer { zp in
            for j in 0..<n { column[j] = x[j * n] }
            for j in 0..<n {
                var acc = 0.0
                let r = zp.baseAddress! + j * n
                for l in 0..<n { acc += r[l] * column[l] }
                x[j * n] = acc
            }
        }
    }

    /// out = B⁻¹ r. `out` and `scratch` hold n² values and must not alias `r` or each other.
    public func solve(_ r: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>, scratch: UnsafeMutablePointer<Double>,
                      column: UnsafeMutablePointer<Double>) {
        forward(r, into: scratch)
        solveTransformed(scratch, column: column)
        inverse(scratch, into: out)
    }

    /// Array convenience for tests and set-up.
    public func solve(_ r: [Double]) -> [Double] {
        precondition(r.count == n * n, "SpectralPoisson.solve: \(r.count) values for n = \(n)")
        var out = r, scratch = r, column = [Double](repeating: 0, count: n)
        r.withUnsafeBufferPointer { rp in out.withUnsafeMutableBufferPointer { o in scratch.withUnsafeMutableBufferPointer { s in
            column.withUnsafeMutableBufferPointer { solve(rp.baseAddress!, into: o.baseAddress!, scratch: s.baseAddress!, column: $0.baseAddress!) }
        } } }
        return out
    }

    /// The oracle: both directions diagonalised, B⁻¹ R = Q [(Qᵀ R Q) ⊘ Λ] Qᵀ with plain loops.
    public func solveReference(_ r: [Double]) -> [Double] {
        func mul(_ a: [Double], _ b: [Double], ta: Bool, tb: Bool) -> [Double] {
            var c = [Double](repeating: 0, count: n * n)
            for i in 0..<n { for j in 0..<n { var s = 0.0
                for l in 0..<n { s += (ta ? a[l * n + i] : a[i * n + l]) * (tb ? b[j * n + l] : b[l * n + j]) }
                c[i * n + j] = s } }
            return c
        }
        var h = mul(mul(q, r, ta: true, tb: false), q, ta: false, tb: false)
        for ky in 0..<n { for kx in 0..<n { h[ky * n + kx] /= (ky == 0 && kx == 0) ? 1 : lambda[ky] + lambda[kx] } }
        return mul(mul(q, h, ta: false, tb: false), q, ta: false, tb: true)
    }
}

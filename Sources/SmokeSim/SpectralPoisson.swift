import CBLAS
import Foundation
import NPTensor

/// Exact solver for B = L₀ + e eᵀ on the n × n cells, where L₀ is the positive semi-definite 5-point Neumann
/// Laplacian of the full closed box (every interior face open) and e = 1/n is the normalised constant vector.
///
/// L₀ is diagonalised by the cosine basis q_k(i) = c_k cos(π k (i + ½)/n) in each direction (eigenvalue
/// 2 − 2cos(πk/n)); e eᵀ replaces the zero eigenvalue of the constant mode by 1. So
/// B⁻¹ R = Q [(Qᵀ R Q) ⊘ Λ] Qᵀ: four n × n × n matrix products (Float64 BLAS), about 17 MFLOP at n = 128.
public final class SpectralPoisson: @unchecked Sendable {
    public let n: Int
    /// Q[i, k] = q_k(i), row-major.
    let q: [Double]
    /// 1/λ(ky, kx), row-major over (ky, kx).
    let inverseEigen: [Double]

    public init(n: Int) {
        precondition(n >= 2, "SpectralPoisson needs n ≥ 2")
        BLASRuntime.configure()
        self.n = n
        var q = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for k in 0..<n {
            let c = k == 0 ? (1 / Double(n)).squareRoot() : (2 / Double(n)).squareRoot()
            q[i * n + k] = c * cos(Double.pi * Double(k) * (Double(i) + 0.5) / Double(n))
        } }
        let lam = (0..<n).map { 2 - 2 * cos(Double.pi * Double($0) / Double(n)) }
        var inv = [Double](repeating: 0, count: n * n)
        for ky in 0..<n { for kx in 0..<n { inv[ky * n + kx] = 1 / (ky == 0 && kx == 0 ? 1 : lam[ky] + lam[kx]) } }
        self.q = q; inverseEigen = inv
    }

    /// out = B⁻¹ r. `r`, `out` and `scratch` hold n² values; `out` may alias `r`, `scratch` must not alias either.
    public func solve(_ r: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>, scratch: UnsafeMutablePointer<Double>) {
        let n32 = Int32(n)
        q.withUnsafeBufferPointer { qp in
            let Q = qp.baseAddress!
            // scratch = Qᵀ R; out = scratch Q
            cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, n32, n32, n32, 1, Q, n32, r, n32, 0, scratch, n32)
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n32, n32, n32, 1, scratch, n32, Q, n32, 0, out, n32)
            inverseEigen.withUnsafeBufferPointer { lp in
                for k in 0..<(n * n) { out[k] *= lp[k] }
            }
            // scratch = Q out; out = scratch Qᵀ
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n32, n32, n32, 1, Q, n32, out, n32, 0, scratch, n32)
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n32, n32, n32, 1, scratch, n32, Q, n32, 0, out, n32)
        }
    }

    /// Array convenience for tests and set-up.
    public func solve(_ r: [Double]) -> [Double] {
        precondition(r.count == n * n, "SpectralPoisson.solve: \(r.count) values for n = \(n)")
        var out = r, scratch = r
        out.withUnsafeMutableBufferPointer { o in scratch.withUnsafeMutableBufferPointer { s in
            solve(UnsafePointer(o.baseAddress!), into: o.baseAddress!, scratch: s.baseAddress!)
        } }
        return out
    }
}

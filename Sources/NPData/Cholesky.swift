import CBLAS
import Foundation
import NPTensor

/// Dense symmetric positive-definite linear algebra in Double, for Gaussian-process sampling and the
/// exact ground-truth predictor. Matrices are row-major `[n × n]` arrays.
public enum SPD {
    public struct NotPositiveDefinite: Error, CustomStringConvertible {
        public let pivot: Int
        public let value: Double
        public var description: String { "matrix is not positive definite: pivot \(pivot) is \(value)" }
    }

    /// The lower Cholesky factor L with A = L Lᵀ (upper triangle zero), by LAPACK's `dpotrf` from OpenBLAS.
    /// `choleskyReference` is the plain loop the tests compare it with.
    public static func cholesky(_ a: [Double], n: Int) throws -> [Double] {
        require(a.count == n * n, "cholesky: \(a.count) values for n = \(n)")
        if n == 0 { return [] }
        BLASRuntime.configure()
        // A row-major symmetric A read column-major is A again; the column-major upper factor U (A = UᵀU)
        // read row-major is the lower factor L = Uᵀ.
        var l = a
        var (uplo, nn, lda, info): (CChar, Int32, Int32, Int32) = (CChar(UInt8(ascii: "U")), Int32(n), Int32(n), 0)
        l.withUnsafeMutableBufferPointer { dpotrf_(&uplo, &nn, $0.baseAddress!, &lda, &info) }
        if info > 0 { throw NotPositiveDefinite(pivot: Int(info) - 1, value: .nan) }
        require(info == 0, "dpotrf: invalid argument \(-info)")
        for i in 0..<n { for j in (i + 1)..<max(i + 1, n) { l[i * n + j] = 0 } }
        return l
    }

    /// The lower Cholesky factor by the textbook loop (the oracle for `cholesky`).
    public static func choleskyReference(_ a: [Double], n: Int) throws -> [Double] {
        require(a.count == n * n, "cholesky: \(a.count) values for n = \(n)")
        var l = [Double](repeating: 0, count: n * n)
        try l.withUnsafeMutableBufferPointer { L in
            try a.withUnsafeBufferPointer { A in
                for j in 0..<n {
                    var d = A[j * n + j]
                    for k in 0..<j { d -= L[j * n + k] * L[j * n + k] }
                    guard d > 0, d.isFinite else { throw NotPositiveDefinite(pivot: j, value: d) }
                    let ljj = d.squareRoot()
                    L[j * n + j] = ljj
                    for i in (j + 1)..<max(j + 1, n) {
                        var s = A[i * n + j]
                        for k in 0..<j { s -= L[i * n + k] * L[j * n + k] }
                        L[i * n + j] = s / ljj
                    }
                }
            }
        }
        return l
    }

    /// Solves L x = b for lower-triangular L.
    public static func solveLower(_ l: [Double], n: Int, _ b: [Double]) -> [Double] {
        var x = b
        for i in 0..<n {
            var s = x[i]
            for k in 0..<i { s -= l[i * n + k] * x[k] }
            x[i] = s / l[i * n + i]
        }
        return x
    }

    /// Solves Lᵀ x = b for lower-triangular L.
    public static func solveUpperTransposed(_ l: [Double], n: Int, _ b: [Double]) -> [Double] {
        var x = b
        for i in stride(from: n - 1, through: 0, by: -1) {
            var s = x[i]
            for k in (i + 1)..<max(i + 1, n) { s -= l[k * n + i] * x[k] }
            x[i] = s / l[i * n + i]
        }
        return x
    }

    /// log N(y; 0, A) given the Cholesky factor L of A.
    public static func gaussianLogDensity(_ y: [Double], cholesky l: [Double], n: Int) -> Double {
        let z = solveLower(l, n: n, y)
        var logDet = 0.0
        for i in 0..<n { logDet += Foundation.log(l[i * n + i]) }
        let quad = z.reduce(0) { $0 + $1 * $1 }
        return -0.5 * quad - logDet - 0.5 * Double(n) * Foundation.log(2 * Double.pi)
    }
}

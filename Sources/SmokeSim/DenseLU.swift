/// Dense LU factorisation with partial pivoting (row-major m × m), for the small capacitance matrix of
/// `PressureSolver` and as the dense reference of the tests.
func luFactor(_ a: [Double], m: Int) -> (lu: [Double], pivots: [Int]) {
    var lu = a
    var piv = [Int](repeating: 0, count: m)
    lu.withUnsafeMutableBufferPointer { bp in
        let A = bp.baseAddress!
        for col in 0..<m {
            var best = col, bestAbs = abs(A[col * m + col])
            for r in (col + 1)..<max(col + 1, m) where abs(A[r * m + col]) > bestAbs { best = r; bestAbs = abs(A[r * m + col]) }
            piv[col] = best
            precondition(bestAbs > 0, "luFactor: singular matrix at column \(col)")
            if best != col { for c in 0..<m { let t = A[col * m + c]; A[col * m + c] = A[best * m + c]; A[best * m + c] = t } }
            let d = A[col * m + col]
            for r in (col + 1)..<max(col + 1, m) {
                let f = A[r * m + col] / d
                A[r * m + col] = f
                if f == 0 { continue }
                for c in (col + 1)..<m { A[r * m + c] -= f * A[col * m + c] }
            }
        }
    }
    return (lu, piv)
}

/// Solves A x = b in place given `luFactor`'s output.
func luSolve(_ lu: [Double], _ piv: [Int], m: Int, _ x: UnsafeMutablePointer<Double>) {
    lu.withUnsafeBufferPointer { bp in
        let A = bp.baseAddress!
        for r in 0..<m where piv[r] != r { let t = x[r]; x[r] = x[piv[r]]; x[piv[r]] = t }
        for r in 0..<m { var s = x[r]; for c in 0..<r { s -= A[r * m + c] * x[c] }; x[r] = s }
        for r in stride(from: m - 1, through: 0, by: -1) {
            var s = x[r]; for c in (r + 1)..<max(r + 1, m) { s -= A[r * m + c] * x[c] }; x[r] = s / A[r * m + r]
        }
    }
}

/// Array convenience: solves A x = b with a fresh factorisation (tests).
public func denseSolve(_ a: [Double], _ b: [Double], m: Int) -> [Double] {
    let (lu, piv) = luFactor(a, m: m)
    var x = b
    x.withUnsafeMutableBufferPointer { luSolve(lu, piv, m: m, $0.baseAddress!) }
    return x
}

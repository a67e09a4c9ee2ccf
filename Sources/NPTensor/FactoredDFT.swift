#if canImport(Glibc)
import Glibc
#endif

// The real-signal DFT along the first axis of the FFT convolution (`FFTConvolution.swift`), factored in two stages
// (Cooley–Tukey with one split, each stage a GEMM) for long axes. A dense DFT of length N from `rows` samples costs
// about 2·N·rows multiply-adds per column; with N = N1·N2 the two stages cost about 2·N·N2 + 2·N·N1, so for the 1-D
// grids of a few hundred points the transforms shrink several-fold. The short axes of the 2-D U-Nets (N ≤ 36) keep
// the dense transform: `factoredSplit` returns nil below 64 points.
//
// Indices: samples j = j1 + N1·j2 (j1 < N1, j2 < N2), frequencies u = u2 + N2·u1, so that
//     exp(s·2πi·u·j/N) = exp(s·2πi·u2·j2/N2) · exp(s·2πi·u2·j1/N) · exp(s·2πi·u1·j1/N1)
// (the factor exp(s·2πi·u1·j2) is 1): a length-N2 DFT over j2 for every j1 (stage A, real input), a twiddle
// exp(s·2πi·u2·j1/N), then a length-N1 DFT over j1 for every u2 (stage B) of which only the rows with
// u ≤ N/2 are computed (the half spectrum of a real signal). The inverse runs the stages backwards.

/// The split N = N1·N2 used for an axis of N points, or nil where the dense transform is kept (N < 64, or no split
/// with both factors at least 4). Among the splits, the one with the fewest multiply-adds (2·N2 + 2·N1 per point).
public func factoredSplit(_ n: Int) -> (n1: Int, n2: Int)? {
    guard n >= 64 else { return nil }
    var best: (n1: Int, n2: Int)?
    for n2 in 4...(n / 4) where n % n2 == 0 {
        let n1 = n / n2
        if n1 >= 4, best == nil || n1 + n2 < best!.n1 + best!.n2 { best = (n1, n2) }
    }
    return best
}

/// The smallest length of at least `least` points (and at most an eighth more) whose `factoredSplit` costs least,
/// counting the transform's multiply-adds per point (dense: N; factored: N1 + N2) times the length.
public func fastTransformLength(atLeast least: Int) -> Int {
    guard least >= 64 else { return least }
    func cost(_ n: Int) -> Int { n * (factoredSplit(n).map { $0.n1 + $0.n2 } ?? n) }
    return (least...(least + least / 8)).min { cost($0) < cost($1) }!
}

extension Twiddles {
    /// cos and sign·sin of 2π·a·b/m for a divisor m of n (one table of n entries serves every stage of a split of n).
    @inline(__always) func root(_ a: Int, _ b: Int, of m: Int, sign: Float) -> (Float, Float) {
        let k = (a * b) % m * (n / m)
        return (cos[k], sign * sin[k])
    }
}

/// Half spectrum `[u < n/2+1, part (re, im), width]` of the real array `[rows, width]` zero-padded to n = n1·n2
/// rows (n = `t.n`, the length of the caller's cos/sin table), with exponent sign `sign`: out[u] = Σ_j x[j] · exp(sign·2πi·u·j/n). Same result as the dense step 1 of
/// `dftForward` (with no offset) up to float32 rounding.
func factoredRealForward(_ input: UnsafePointer<Float>, rows: Int, width: Int, twiddles t: Twiddles, split: (n1: Int, n2: Int),
                         sign: Float, into out: UnsafeMutablePointer<Float>) {
    let (n, n1, n2) = (t.n, split.n1, split.n2)
    precondition(n1 * n2 == n && rows <= n)
    // Stage A: Y[(u2, part), (j1, col)] = Σ_{j2} [cos | sign·sin](2π·u2·j2/n2) · x[j1 + n1·j2, col].
    let padded = UnsafeMutablePointer<Float>.allocate(capacity: n * width)
    defer { padded.deallocate() }
    padded.update(from: input, count: rows * width)
    padded.advanced(by: rows * width).initialize(repeating: 0, count: (n - rows) * width)
    var a = [Float](repeating: 0, count: 2 * n2 * n2)
    for u2 in 0..<n2 { for j2 in 0..<n2 {
        let (c, s) = t.root(u2, j2, of: n2, sign: sign)
        a[(2 * u2) * n2 + j2] = c; a[(2 * u2 + 1) * n2 + j2] = s
    } }
    let block = n1 * width   // one (u2, part) row of Y
    let y = UnsafeMutablePointer<Float>.allocate(capacity: 2 * n2 * block)
    defer { y.deallocate() }
    a.withUnsafeBufferPointer { pa in
        gemmSplittingColumns(m: 2 * n2, n: block, k: n2, a: pa.baseAddress!, lda: n2, b: padded, ldb: block, c: y, ldc: block)
    }
    // Twiddles, then stage B per u2: out[u2 + n2·u1] = Σ_{j1} exp(sign·2πi·u1·j1/n1) · Z[u2, j1] for u ≤ n/2.
    parallelFor(n2, work: 2 * n * 2 * n1 * width) { u2 in
        let re = y + (2 * u2) * block, im = re + block
        for j1 in 1..<n1 where u2 > 0 {
            let (c, s) = t.root(u2, j1, of: n, sign: sign)
            let (r, i) = (re + j1 * width, im + j1 * width)
            for col in 0..<width { let (x, z) = (r[col], i[col]); r[col] = x * c - z * s; i[col] = x * s + z * c }
        }
        guard u2 <= n / 2 else { return }
        let count = (n / 2 - u2) / n2 + 1   // u1 with u2 + n2·u1 ≤ n/2
        // Rows u1 of the real part take [cos | −sign·sin] of 2π·u1·j1/n1 against [Re Z; Im Z], of the imaginary part
        // [sign·sin | cos]; the output rows of one part are 2·n2 rows apart in `out`.
        var mr = [Float](repeating: 0, count: count * 2 * n1), mi = mr
        for u1 in 0..<count { for j1 in 0..<n1 {
            let (c, s) = t.root(u1, j1, of: n1, sign: sign)
            mr[u1 * 2 * n1 + j1] = c; mr[u1 * 2 * n1 + n1 + j1] = -s
            mi[u1 * 2 * n1 + j1] = s; mi[u1 * 2 * n1 + n1 + j1] = c
        } }
        mr.withUnsafeBufferPointer { pr in mi.withUnsafeBufferPointer { pi in
            gemm(transA: false, transB: false, m: count, n: width, k: 2 * n1, a: pr.baseAddress!, lda: 2 * n1, b: re, ldb: width,
                 beta: 0, c: out + (2 * u2) * width, ldc: 2 * n2 * width, parallel: false)
            gemm(transA: false, transB: false, m: count, n: width, k: 2 * n1, a: pi.baseAddress!, lda: 2 * n1, b: re, ldb: width,
                 beta: 0, c: out + (2 * u2 + 1) * width, ldc: 2 * n2 * width, parallel: false)
        }}
    }
}

/// The real array `[rows, width]` from a half spectrum `[u < n/2+1, part, width]` of a real signal of length
/// n = n1·n2: out[y] = scale · Σ_u weight(u) · Re(Z[u] · exp(sign·2πi·u·y/n)), weight 1 for u = 0 and the Nyquist
/// bin of an even n, 2 otherwise (the Hermitian sum over the full spectrum). Same result as the dense step 2 of
/// `dftInverse` (with no offset) up to float32 rounding.
func factoredRealInverse(_ spectrum: UnsafePointer<Float>, rows: Int, width: Int, twiddles t: Twiddles, split: (n1: Int, n2: Int),
                         sign: Float, scale: Float, into out: UnsafeMutablePointer<Float>) {
    let (n, n1, n2) = (t.n, split.n1, split.n2)
    precondition(n1 * n2 == n && rows <= n)
    let block = n1 * width
    // Stage B backwards, per u2: P[u2, (part, y1)] = Σ_{u1} c(u) · Z[u2 + n2·u1] · exp(sign·2πi·u1·y1/n1), then the
    // twiddle exp(sign·2πi·u2·y1/n).
    let p = UnsafeMutablePointer<Float>.allocate(capacity: 2 * n2 * block)
    defer { p.deallocate() }
    parallelFor(n2, work: 2 * n * 2 * n1 * width) { u2 in
        let pr = p + (2 * u2) * block, pi = pr + block
        guard u2 <= n / 2 else {
            pr.initialize(repeating: 0, count: 2 * block)
            return
        }
        let count = (n / 2 - u2) / n2 + 1
        // Coefficients of Re Z[u1] (mr) and Im Z[u1] (mi) in rows (part, y1) of P.
        var mr = [Float](repeating: 0, count: 2 * n1 * count), mi = mr
        for y1 in 0..<n1 { for u1 in 0..<count {
            let u = u2 + n2 * u1
            let weight: Float = (u == 0 || 2 * u == n) ? scale : 2 * scale
            let (c, s) = t.root(u1, y1, of: n1, sign: sign)
            mr[y1 * count + u1] = weight * c; mi[y1 * count + u1] = -weight * s
            mr[(n1 + y1) * count + u1] = weight * s; mi[(n1 + y1) * count + u1] = weight * c
        } }
        mr.withUnsafeBufferPointer { br in mi.withUnsafeBufferPointer { bi in
            gemm(transA: false, transB: false, m: 2 * n1, n: width, k: count, a: br.baseAddress!, lda: count,
                 b: spectrum + (2 * u2) * width, ldb: 2 * n2 * width, beta: 0, c: pr, ldc: width, parallel: false)
            gemm(transA: false, transB: false, m: 2 * n1, n: width, k: count, a: bi.baseAddress!, lda: count,
                 b: spectrum + (2 * u2 + 1) * width, ldb: 2 * n2 * width, beta: 1, c: pr, ldc: width, parallel: false)
        }}
        for y1 in 1..<n1 where u2 > 0 {
            let (c, s) = t.root(u2, y1, of: n, sign: sign)
            let (r, i) = (pr + y1 * width, pi + y1 * width)
            for col in 0..<width { let (x, z) = (r[col], i[col]); r[col] = x * c - z * s; i[col] = x * s + z * c }
        }
    }
    // Stage A backwards, real part only: out[y1 + n1·y2] = Σ_{u2} [cos | −sign·sin](2π·u2·y2/n2) · [Re P; Im P][u2, y1].
    var a = [Float](repeating: 0, count: n2 * 2 * n2)
    for y2 in 0..<n2 { for u2 in 0..<n2 {
        let (c, s) = t.root(u2, y2, of: n2, sign: sign)
        a[y2 * 2 * n2 + 2 * u2] = c; a[y2 * 2 * n2 + 2 * u2 + 1] = -s
    } }
    let full = UnsafeMutablePointer<Float>.allocate(capacity: n * width)
    defer { full.deallocate() }
    a.withUnsafeBufferPointer { pa in
        gemmSplittingColumns(m: n2, n: block, k: 2 * n2, a: pa.baseAddress!, lda: 2 * n2, b: p, ldb: block, c: full, ldc: block)
    }
    out.update(from: full, count: rows * width)
}


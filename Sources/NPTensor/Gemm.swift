import CBLAS

/// The project's single matrix-multiplication entry point:
/// `C[m×n] = alpha · op(A) · op(B) + beta · C`, row-major, with leading dimensions so that sub-matrices
/// (column blocks of a channels-last tensor, for grouped convolutions) need no copy.
///
/// Backed by OpenBLAS (one BLAS thread per call); calls with enough work split the rows of `C` over
/// the workers. `gemmReference` is the slow, obvious oracle the tests compare against.
@inlinable
public func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
                 a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                 beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, parallel: Bool = true) {
    if m == 0 || n == 0 { return }
    if k == 0 {   // BLAS leaves C untouched only for beta == 1; make the empty sum explicit
        for i in 0..<m { for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] } }
        return
    }
    BLASRuntime.configureOnce
    let work = 2 * m * n * k
    let chunks = (parallel && work >= 4_000_000 && m >= 2 * workerCount) ? workerCount : 1
    parallelChunks(m, work: chunks > 1 ? work : 0) { rows in
        let aOffset = transA ? rows.lowerBound : rows.lowerBound * lda
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(rows.count), Int32(n), Int32(k), alpha, a + aOffset, Int32(lda), b, Int32(ldb),
                    beta, c + rows.lowerBound * ldc, Int32(ldc))
    }
}

/// C = A · B (no transposes, beta = 0) with the columns of B and C split over the workers. For products with few
/// rows and many columns (the frequency-domain convolution's transforms: 2·(N/2+1) rows against batch × channels ×
/// grid columns), where `gemm`'s split of the rows leaves every worker packing the whole of B. Each element is the
/// same k-term sum either way (the split only decides which worker computes it).
func gemmSplittingColumns(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                          c: UnsafeMutablePointer<Float>, ldc: Int) {
    parallelChunks(n, work: 2 * m * n * k) { columns in
        gemm(transA: false, transB: false, m: m, n: columns.count, k: k, a: a, lda: lda, b: b + columns.lowerBound, ldb: ldb,
             beta: 0, c: c + columns.lowerBound, ldc: ldc, parallel: false)
    }
}

/// Runs `body(i, columns)` for every i < `count` in parallel, each i over all of `0..<columns` when `count` gives
/// every worker at least two items, else with each i's columns split into one piece per worker (tiny grids have
/// only 3–4 frequency rows for two workers). For GEMMs that write the columns they are given, with k in one block,
/// the split does not change any element's arithmetic (`gemmSplittingColumns`).
func parallelForSplittingColumns(_ count: Int, columns: Int, work: Int, _ body: (Int, Range<Int>) -> Void) {
    let pieces = count >= 2 * workerCount ? 1 : min(workerCount, max(1, columns / 16))
    parallelFor(count * pieces, work: work) { i in
        let (row, piece) = (i / pieces, i % pieces)
        body(row, columns * piece / pieces ..< columns * (piece + 1) / pieces)
    }
}

/// Array convenience over `gemm` for contiguous matrices: returns `op(A) · op(B)`.
public func matmul(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int,
                   transA: Bool = false, transB: Bool = false) -> [Float] {
    require(a.count == m * k && b.count == k * n, "matmul: sizes do not match m=\(m) n=\(n) k=\(k)")
    var c = [Float](repeating: 0, count: m * n)
    a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in c.withUnsafeMutableBufferPointer { pc in
        gemm(transA: transA, transB: transB, m: m, n: n, k: k, a: pa.baseAddress!, lda: transA ? m : k,
             b: pb.baseAddress!, ldb: transB ? k : n, beta: 0, c: pc.baseAddress!, ldc: n)
    }}}
    return c
}

/// Triple-loop GEMM accumulated in Double: the test oracle for `gemm` (same argument convention).
public func gemmReference(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
                          a: [Float], lda: Int, b: [Float], ldb: Int, beta: Float, c: inout [Float], ldc: Int) {
    for i in 0..<m {
        for j in 0..<n {
            var acc = 0.0
            for p in 0..<k {
                let av = transA ? a[p * lda + i] : a[i * lda + p]
                let bv = transB ? b[j * ldb + p] : b[p * ldb + j]
                acc += Double(av) * Double(bv)
            }
            let old = beta == 0 ? 0 : Double(beta) * Double(c[i * ldc + j])
            c[i * ldc + j] = Float(Double(alpha) * acc + old)
        }
    }
}

/// Process-wide BLAS set-up, done once: one BLAS thread per call (parallelism is ours, over rows and
/// batches: OpenBLAS's own pthread workers busy-wait after each call and take CPU from our workers on a
/// 2-core machine) and large freed buffers kept in the heap instead of unmapped (otherwise every training step
/// pays page faults for its fresh activation and gradient buffers).
public enum BLASRuntime {
    @usableFromInline static let configureOnce: Void = {
        openblas_set_num_threads(1)
        // Serve every allocation from the heap (no mmap, whose pages are zeroed again on every use) and
        // keep freed memory for reuse: activations of the same sizes are allocated every step.
        _ = mallopt(M_MMAP_MAX, 0)
        _ = mallopt(M_TRIM_THRESHOLD, 1 << 30)
    }()

    /// Applies the set-up (idempotent); other modules that call into OpenBLAS directly call this first.
    public static func configure() { configureOnce }

    /// The kernel family OpenBLAS selected for this CPU (for example "SkylakeX", "Haswell" or "Prescott").
    public static var coreName: String {
        configureOnce
        return String(cString: openblas_get_corename())
    }

    /// OpenBLAS's build configuration string.
    public static var config: String { String(cString: openblas_get_config()) }
}

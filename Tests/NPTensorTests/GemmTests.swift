import NPTensor
import NPTestSupport
import Testing

/// `gemm` against the Double triple loop, over every transpose flag, odd shapes, sub-matrix leading
/// dimensions, beta ≠ 0 and sizes big enough to take the parallel path.
@Suite struct GemmTests {
    @Test(arguments: [(1, 1, 1), (7, 13, 5), (3, 1, 9), (64, 48, 33), (700, 37, 129)])
    func matchesReferenceForEveryTransposeFlag(m: Int, n: Int, k: Int) {
        for transA in [false, true] { for transB in [false, true] {
            // Leading dimensions wider than the matrices, so the matrices are sub-blocks of bigger arrays.
            let lda = (transA ? m : k) + 3, ldb = (transB ? k : n) + 2, ldc = n + 1
            let a = randomTensor([(transA ? k : m) * lda], seed: 1).scalars
            let b = randomTensor([(transB ? n : k) * ldb], seed: 2).scalars
            var c = randomTensor([m * ldc], seed: 3).scalars
            var expected = c
            gemmReference(transA: transA, transB: transB, m: m, n: n, k: k, alpha: 0.5, a: a, lda: lda, b: b, ldb: ldb,
                          beta: 2, c: &expected, ldc: ldc)
            a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in c.withUnsafeMutableBufferPointer { pc in
                gemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: 0.5, a: pa.baseAddress!, lda: lda,
                     b: pb.baseAddress!, ldb: ldb, beta: 2, c: pc.baseAddress!, ldc: ldc)
            }}}
            let tol = 1e-5 * Float(k) + 1e-5
            #expect(maxAbsDifference(c, expected) <= tol, "transA \(transA) transB \(transB)")
        } }
    }

    @Test func emptyInnerDimensionScalesC() {
        var c: [Float] = [1, 2, 3, 4]
        let a: [Float] = [0], b: [Float] = [0]
        a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in c.withUnsafeMutableBufferPointer { pc in
            gemm(transA: false, transB: false, m: 2, n: 2, k: 0, a: pa.baseAddress!, lda: 1, b: pb.baseAddress!, ldb: 2,
                 beta: 0.5, c: pc.baseAddress!, ldc: 2)
        }}}
        #expect(c == [0.5, 1, 1.5, 2])
    }

    @Test func blasCoreIsReported() {
        #expect(!BLASRuntime.coreName.isEmpty)
    }
}

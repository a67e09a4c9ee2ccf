import NPTensor

extension Tape {
    /// Matrix product over the last two axes.
    ///
    /// * `b` of rank 2 (`[k, n]`, or `[n, k]` with `transposeB`): `a` of any rank ≥ 2 is treated as a
    ///   stack of rows `[…, k]` (a linear layer).
    /// * `a` and `b` of the same rank ≥ 3 with equal leading (batch) axes: one product per batch
    ///   element, spread over the workers.
    ///
    /// Backward: dA += dC · op(B)ᵀ and dB += Aᵀ · dC (dB += dCᵀ · A when B is transposed).
    public func matmul(_ a: Variable, _ b: Variable, transposeB: Bool = false) -> Variable {
        require(a.shape.count >= 2 || b.shape.count == 2, "matmul needs rank ≥ 2, got \(a.shape) and \(b.shape)")
        if b.shape.count == 2 { return linearMatmul(a, b, transposeB) }
        return batchedMatmul(a, b, transposeB)
    }

    private func linearMatmul(_ a: Variable, _ b: Variable, _ tB: Bool) -> Variable {
        let k = a.shape.last!
        let (bk, n) = tB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
        require(k == bk, "matmul: inner sizes differ, \(a.shape) · \(b.shape)\(tB ? "ᵀ" : "")")
        let m = a.value.count / max(k, 1)
        let outShape = Array(a.shape.dropLast()) + [n]
        var c = uninitializedFloats(m * n)   // gemm with beta = 0 writes every element
        a.value.scalars.withUnsafeBufferPointer { pa in b.value.scalars.withUnsafeBufferPointer { pb in
            c.withUnsafeMutableBufferPointer { pc in
                gemm(transA: false, transB: tB, m: m, n: n, k: k, a: pa.baseAddress!, lda: k,
                     b: pb.baseAddress!, ldb: tB ? k : n, beta: 0, c: pc.baseAddress!, ldc: n)
            }
        }}
        return result(Tensor(shape: outShape, scalars: c), inputs: [a, b]) { out in
            out.gradStorage.withUnsafeBufferPointer { pg in a.value.scalars.withUnsafeBufferPointer { pa in
                b.value.scalars.withUnsafeBufferPointer { pb in
                    let (G, A, B) = (pg.baseAddress!, pa.baseAddress!, pb.baseAddress!)
                    if a.requiresGrad {   // dA[m,k] += G[m,n] · op(B)ᵀ
                        a.withGrad { GA in
                            gemm(transA: false, transB: !tB, m: m, n: k, k: n, a: G, lda: n, b: B, ldb: tB ? k : n,
                                 beta: 1, c: GA, ldc: k)
                        }
                    }
                    if b.requiresGrad {
                        b.withGrad { GB in
                            if tB {   // dB[n,k] += Gᵀ · A
                                gemm(transA: true, transB: false, m: n, n: k, k: m, a: G, lda: n, b: A, ldb: k,
                                     beta: 1, c: GB, ldc: k)
                            } else {  // dB[k,n] += Aᵀ · G
                                gemm(transA: true, transB: false, m: k, n: n, k: m, a: A, lda: k, b: G, ldb: n,
                                     beta: 1, c: GB, ldc: n)
                            }
                        }
                    }
                }
            }}
        }
    }

    private func batchedMatmul(_ a: Variable, _ b: Variable, _ tB: Bool) -> Variable {
        let r = a.shape.count
        require(b.shape.count == r && Array(a.shape.prefix(r - 2)) == Array(b.shape.prefix(r - 2)),
                     "batched matmul needs equal batch axes, got \(a.shape) and \(b.shape)")
        let (m, k) = (a.shape[r - 2], a.shape[r - 1])
        let (bk, n) = tB ? (b.shape[r - 1], b.shape[r - 2]) : (b.shape[r - 2], b.shape[r - 1])
        require(k == bk, "batched matmul: inner sizes differ, \(a.shape) · \(b.shape)\(tB ? "ᵀ" : "")")
        let batch = a.shape.prefix(r - 2).reduce(1, *)
        let outShape = Array(a.shape.prefix(r - 2)) + [m, n]
        let work = 2 * batch * m * n * k
        var c = uninitializedFloats(batch * m * n)   // gemm with beta = 0 writes every element
        a.value.scalars.withUnsafeBufferPointer { pa in b.value.scalars.withUnsafeBufferPointer { pb in
            c.withUnsafeMutableBufferPointer { pc in
                let (A, B, C) = (pa.baseAddress!, pb.baseAddress!, pc.baseAddress!)
                parallelFor(batch, work: work) { i in
                    gemm(transA: false, transB: tB, m: m, n: n, k: k, a: A + i * m * k, lda: k,
                         b: B + i * k * n, ldb: tB ? k : n, beta: 0, c: C + i * m * n, ldc: n, parallel: false)
                }
            }
        }}
        return result(Tensor(shape: outShape, scalars: c), inputs: [a, b]) { out in
            out.gradStorage.withUnsafeBufferPointer { pg in a.value.scalars.withUnsafeBufferPointer { pa in
                b.value.scalars.withUnsafeBufferPointer { pb in
                    let (G, A, B) = (pg.baseAddress!, pa.baseAddress!, pb.baseAddress!)
                    if a.requiresGrad {
                        a.withGrad { GA in
                            parallelFor(batch, work: work) { i in
                                gemm(transA: false, transB: !tB, m: m, n: k, k: n, a: G + i * m * n, lda: n,
                                     b: B + i * k * n, ldb: tB ? k : n, beta: 1, c: GA + i * m * k, ldc: k, parallel: false)
                            }
                        }
                    }
                    if b.requiresGrad {
                        b.withGrad { GB in
                            parallelFor(batch, work: work) { i in
                                if tB {
                                    gemm(transA: true, transB: false, m: n, n: k, k: m, a: G + i * m * n, lda: n,
                                         b: A + i * m * k, ldb: k, beta: 1, c: GB + i * n * k, ldc: k, parallel: false)
                                } else {
                                    gemm(transA: true, transB: false, m: k, n: n, k: m, a: A + i * m * k, lda: k,
                                         b: G + i * m * n, ldb: n, beta: 1, c: GB + i * k * n, ldc: n, parallel: false)
                                }
                            }
                        }
                    }
                }
            }}
        }
    }
}

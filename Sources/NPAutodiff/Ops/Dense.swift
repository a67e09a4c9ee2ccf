import NPTensor

extension Tape {
    /// A fused fully connected layer: y = x Wᵀ + b, optionally followed by ReLU, over the last axis
    /// (`x [..., in]`, `W [out, in]` as PyTorch stores it, `b [out]`).
    ///
    /// Equivalent to `relu(add(matmul(x, W, transposeB: true), b))` (the tests check this), but with one
    /// output buffer instead of three and the bias, activation and their gradients done in single passes
    /// split over the workers: in the TE-TNP's attention-logit MLP these elementwise passes over
    /// `[m, nq, nk, width]` activations cost more than the matrix products.
    ///
    /// Backward, with g' = g ⊙ [y > 0] (or g without ReLU): dx += g' W; dW += g'ᵀ x; db += Σ_rows g'.
    public func dense(_ x: Variable, weight w: Variable, bias b: Variable?, relu: Bool) -> Variable {
        let (nOut, nIn) = (w.shape[0], w.shape[1])
        require(x.shape.last == nIn, "dense: input \(x.shape) does not match weight \(w.shape)")
        require(b == nil || b!.shape == [nOut], "dense: bias must be [\(nOut)]")
        let rows = x.value.count / max(nIn, 1)
        var y = uninitializedFloats(rows * nOut)   // gemm with beta = 0 writes every element
        x.value.scalars.withUnsafeBufferPointer { px in w.value.scalars.withUnsafeBufferPointer { pw in
            y.withUnsafeMutableBufferPointer { py in
                let Y = py.baseAddress!
                gemm(transA: false, transB: true, m: rows, n: nOut, k: nIn, a: px.baseAddress!, lda: nIn,
                     b: pw.baseAddress!, ldb: nIn, beta: 0, c: Y, ldc: nOut)
                let bias = b?.value.scalars ?? [Float](repeating: 0, count: nOut)
                bias.withUnsafeBufferPointer { pb in
                    let B = pb.baseAddress!
                    parallelChunks(rows, work: rows * nOut * 8) { range in
                        for r in range {
                            let row = Y + r * nOut
                            if relu { for j in 0..<nOut { let v = row[j] + B[j]; row[j] = v > 0 ? v : 0 } }
                            else { for j in 0..<nOut { row[j] += B[j] } }
                        }
                    }
                }
            }
        }}
        var inputs = [x, w]
        if let b { inputs.append(b) }
        var shape = x.shape; shape[shape.count - 1] = nOut
        return result(Tensor(shape: shape, scalars: y), inputs: inputs) { out in
            if relu {   // mask in place: nothing reads the output's gradient after its own pullback
                out.withGrad { G in out.value.scalars.withUnsafeBufferPointer { py in
                    let Y = py.baseAddress!
                    parallelChunks(rows, work: rows * nOut * 8) { range in
                        maskReLUGradient(G + range.lowerBound * nOut, output: Y + range.lowerBound * nOut, count: range.count * nOut)
                    }
                }}
            }
            out.gradStorage.withUnsafeBufferPointer { pg in x.value.scalars.withUnsafeBufferPointer { px in
                w.value.scalars.withUnsafeBufferPointer { pw in
                    let (G, X, W) = (pg.baseAddress!, px.baseAddress!, pw.baseAddress!)
                    if x.requiresGrad {
                        x.withGrad { GX in
                            gemm(transA: false, transB: false, m: rows, n: nIn, k: nOut, a: G, lda: nOut, b: W, ldb: nIn,
                                 beta: 1, c: GX, ldc: nIn)
                        }
                    }
                    if w.requiresGrad {
                        w.withGrad { GW in
                            gemm(transA: true, transB: false, m: nOut, n: nIn, k: rows, a: G, lda: nOut, b: X, ldb: nIn,
                                 beta: 1, c: GW, ldc: nIn)
                        }
                    }
                    if let b, b.requiresGrad {
                        // Column sums, split over workers by rows with private accumulators.
                        let chunks = rows * nOut >= 1_000_000 ? workerCount : 1
                        var partial = [Float](repeating: 0, count: chunks * nOut)
                        partial.withUnsafeMutableBufferPointer { pp in
                            let P = pp.baseAddress!
                            parallelFor(chunks, work: chunks > 1 ? .max : 0) { c in
                                let lo = rows * c / chunks, hi = rows * (c + 1) / chunks
                                let acc = P + c * nOut
                                for r in lo..<hi { let row = G + r * nOut; for j in 0..<nOut { acc[j] += row[j] } }
                            }
                        }
                        b.withGrad { GB in for c in 0..<chunks { for j in 0..<nOut { GB[j] += partial[c * nOut + j] } } }
                    }
                }
            }}
        }
    }
}

import Foundation
import NPTensor

extension Tape {
    /// Gaussian (RBF) weights exp(−d² / (2ℓ²)) from squared distances `d2` and a learnable log-lengthscale
    /// `logLengthscale` (shape [1]), fused into one op.
    ///
    /// Exponents below −80 give exactly 0 (and no gradient): such weights are < 2e-35, and computing them
    /// would produce denormals that slow every following product (PyTorch, which computes them, pays that cost).
    /// Gradients: ∂w/∂d² = −w / (2ℓ²); ∂w/∂logℓ = w · d² / ℓ².
    public func rbfWeights(_ d2: Variable, logLengthscale: Variable) -> Variable {
        require(logLengthscale.value.count == 1, "rbfWeights takes one log-lengthscale, got \(logLengthscale.shape)")
        let l = Foundation.exp(logLengthscale.value.scalars[0])
        let c = -1 / (2 * l * l)
        let ds = d2.value.scalars
        var w = [Float](unsafeUninitializedCapacity: ds.count) { _, n in n = ds.count }
        let vectorised = convolutions.vectorisesGaussians
        ds.withUnsafeBufferPointer { pd in w.withUnsafeMutableBufferPointer { pw in
            guard let D = pd.baseAddress, let W = pw.baseAddress else { return }
            parallelChunks(pd.count, work: 20 * pd.count) { range in   // elementwise: the same values however split
                if vectorised {
                    FastExp.gaussianWeights(squaredDistances: D + range.lowerBound, scale: c, into: W + range.lowerBound, count: range.count)
                } else {
                    for i in range { let e = c * D[i]; W[i] = e < -80 ? 0 : Foundation.exp(e) }
                }
            }
        }}
        return result(Tensor(shape: d2.shape, scalars: w), inputs: [d2, logLengthscale]) { out in
            let g = out.gradStorage
            if d2.requiresGrad {
                d2.withGrad { gd in for i in 0..<g.count where w[i] != 0 { gd[i] += g[i] * w[i] * c } }
            }
            if logLengthscale.requiresGrad {
                var acc = 0.0
                if vectorised {
                    // Eight Double lanes per block, fixed blocks in parallel (`sumOverFixedBlocks`): the same sum
                    // at every worker count, within ~10⁻¹⁶ of the in-order one.
                    acc = g.withUnsafeBufferPointer { pg in w.withUnsafeBufferPointer { pw in ds.withUnsafeBufferPointer { pd in
                        let (G, W, D) = (pg.baseAddress!, pw.baseAddress!, pd.baseAddress!)
                        return sumOverFixedBlocks(g.count, work: 4 * g.count) { Self.laneSum(G, W, D, $0) }
                    }}}
                } else {
                    for i in 0..<g.count where w[i] != 0 { acc += Double(g[i] * w[i] * ds[i]) }
                }
                logLengthscale.withGrad { $0[0] += Float(acc) / (l * l) }
            }
        }
    }

    /// Σ Double(g·w·d) over `range`, eight lanes at a time (lane k the elements ≡ k mod 8), then the lanes and the
    /// tail in order. Elements with w = 0 add zero, as the in-order loop skips them.
    static func laneSum(_ g: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ d: UnsafePointer<Float>, _ range: Range<Int>) -> Double {
        var lanes = SIMD8<Double>(repeating: 0)
        let whole = range.lowerBound + (range.count - range.count % 8)
        for i in stride(from: range.lowerBound, to: whole, by: 8) {
            let load = { (p: UnsafePointer<Float>) in UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self) }
            lanes += SIMD8<Double>(load(g) * load(w) * load(d))
        }
        var total = 0.0
        for k in 0..<8 { total += lanes[k] }
        for i in whole..<range.upperBound { total += Double(g[i] * w[i] * d[i]) }
        return total
    }
}

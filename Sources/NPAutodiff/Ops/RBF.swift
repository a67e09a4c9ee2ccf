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
        ds.withUnsafeBufferPointer { pd in w.withUnsafeMutableBufferPointer { pw in
            guard let D = pd.baseAddress, let W = pw.baseAddress else { return }
            parallelChunks(pd.count, work: 20 * pd.count) { range in   // elementwise: the same values however split
                for i in range { let e = c * D[i]; W[i] = e < -80 ? 0 : Foundation.exp(e) }
            }
        }}
        return result(Tensor(shape: d2.shape, scalars: w), inputs: [d2, logLengthscale]) { out in
            let g = out.gradStorage
            if d2.requiresGrad {
                d2.withGrad { gd in for i in 0..<g.count where w[i] != 0 { gd[i] += g[i] * w[i] * c } }
            }
            if logLengthscale.requiresGrad {
                var acc = 0.0
                for i in 0..<g.count where w[i] != 0 { acc += Double(g[i] * w[i] * ds[i]) }
                logLengthscale.withGrad { $0[0] += Float(acc) / (l * l) }
            }
        }
    }
}

import Foundation
import NPTensor

/// How a Gaussian head's raw scale output becomes a spread.
public enum ScaleParameterisation: String, Sendable, Codable {
    /// σ² = softplus(raw) + floor (1-D GP and environmental experiments).
    case varianceSoftplus
    /// σ = softplus(raw) + floor (smoke experiment).
    case standardDeviationSoftplus
}

extension Tape {
    /// Elementwise log N(y; mean, σ²) with σ from `raw` by `parameterisation`; output has y's shape.
    ///
    /// Gradients: ∂/∂mean = (y − μ)/σ²; for the variance form ∂/∂v = −1/(2v) + (y − μ)²/(2v²),
    /// for the standard-deviation form ∂/∂s = −1/s + (y − μ)²/s³; both times ∂v/∂raw = sigmoid(raw).
    public func gaussianLogLikelihood(_ y: Variable, mean: Variable, raw: Variable,
                                      parameterisation: ScaleParameterisation = .varianceSoftplus,
                                      floor: Float = 0) -> Variable {
        require(y.shape == mean.shape && y.shape == raw.shape,
                     "likelihood shapes differ: y \(y.shape), mean \(mean.shape), raw \(raw.shape)")
        let n = y.value.count
        let halfLog2Pi = Float(0.5 * Foundation.log(2 * Double.pi))
        var out = [Float](repeating: 0, count: n)
        let ys = y.value.scalars, mus = mean.value.scalars, raws = raw.value.scalars
        for i in 0..<n {
            let s = softplusScalar(raws[i]) + floor
            let r = ys[i] - mus[i]
            switch parameterisation {
            case .varianceSoftplus: out[i] = -halfLog2Pi - 0.5 * Foundation.log(s) - r * r / (2 * s)
            case .standardDeviationSoftplus: out[i] = -halfLog2Pi - Foundation.log(s) - r * r / (2 * s * s)
            }
        }
        return result(Tensor(shape: y.shape, scalars: out), inputs: [y, mean, raw]) { res in
            let g = res.gradStorage
            var gMean = [Float](repeating: 0, count: n), gRaw = [Float](repeating: 0, count: n)
            for i in 0..<n {
                let s = softplusScalar(raws[i]) + floor
                let sig = 1 / (1 + Foundation.exp(-raws[i]))
                let r = ys[i] - mus[i]
                switch parameterisation {
                case .varianceSoftplus:
                    gMean[i] = g[i] * r / s
                    gRaw[i] = g[i] * (-0.5 / s + r * r / (2 * s * s)) * sig
                case .standardDeviationSoftplus:
                    gMean[i] = g[i] * r / (s * s)
                    gRaw[i] = g[i] * (-1 / s + r * r / (s * s * s)) * sig
                }
            }
            if mean.requiresGrad { mean.accumulateGrad(gMean) }
            if raw.requiresGrad { raw.accumulateGrad(gRaw) }
            if y.requiresGrad { y.accumulateGrad(gMean.map { -$0 }) }
        }
    }
}

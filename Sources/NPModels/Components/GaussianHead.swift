import NPAutodiff
import NPNN
import NPTensor

/// A model's predictive distribution at the target inputs: per target and output dimension a mean and a
/// raw scale that the `parameterisation` maps to a variance or standard deviation.
public struct Prediction {
    /// [m, nt, dy]
    public let mean: Variable
    /// [m, nt, dy], before the softplus.
    public let raw: Variable
    public let parameterisation: ScaleParameterisation
    public let floor: Float

    /// Predictive standard deviations as plain numbers.
    public var standardDeviation: [Float] {
        raw.scalars.map { r in
            let s = softplusScalar(r) + floor
            return parameterisation == .varianceSoftplus ? s.squareRoot() : s
        }
    }

    /// log N(y; mean, σ²) per target and output dimension, [m, nt, dy].
    public func logLikelihood(_ tape: Tape, _ y: Tensor) -> Variable {
        tape.gaussianLogLikelihood(tape.constant(y), mean: mean, raw: raw, parameterisation: parameterisation, floor: floor)
    }
}

/// The decoder head of every model: an MLP with two hidden layers of width D_z that outputs a mean and a
/// raw scale per output dimension (Docs/paper-spec.md §3.1).
public struct GaussianHead {
    let mlp: MLP
    let outputDimension: Int
    public let parameterisation: ScaleParameterisation
    /// A floor added to the variance (or standard deviation) so that the likelihood stays finite when the
    /// softplus underflows. [ours] 1e-6 by default (`defaultFloor`); the authors' default is 0. Noise-free data
    /// with exact zeros (smoke) need a larger one (`HeadSpec.floor`).
    public let floor: Float
    public static let defaultFloor: Float = 1e-6

    public init(_ scope: ParameterScope, inputs: Int, hidden: Int, outputDimension dy: Int,
                parameterisation: ScaleParameterisation = .varianceSoftplus, floor: Float = GaussianHead.defaultFloor,
                initialisation: InitialisationScheme = .kaiming, rng: inout RandomGenerator) {
        require(floor > 0 && floor.isFinite, "the head's scale floor must be positive, got \(floor)")
        self.floor = floor
        mlp = MLP(scope.child("mlp"), widths: [inputs, hidden, hidden, 2 * dy], zeroOutputLayer: initialisation.zeroHeadOutput, rng: &rng)
        outputDimension = dy
        self.parameterisation = parameterisation
    }

    /// Features [m, nt, f] → prediction.
    public func callAsFunction(_ tape: Tape, _ features: Variable) -> Prediction {
        let out = mlp(tape, features)
        let parts = tape.split(out, axis: -1, sizes: [outputDimension, outputDimension])
        return Prediction(mean: parts[0], raw: parts[1], parameterisation: parameterisation, floor: floor)
    }
}

import Foundation
import NPTensor

/// PyTorch-compatible weight initialisers. `fanIn`/`fanOut` follow PyTorch: for a linear layer
/// `[out, in]`, fanIn = in; for a convolution, fanIn = cin/groups · ∏k and fanOut = cout/groups · ∏k.
public enum Initialiser {
    /// PyTorch's default `nn.Linear`/`nn.Conv` weight: kaiming_uniform(a = √5), i.e. U(±1/√fanIn).
    case pytorchDefault
    /// kaiming_uniform(nonlinearity = "relu"): U(±√(6 / fanIn)) (the authors' linear layers).
    case kaimingUniformReLU
    /// kaiming_normal(mode = "fan_out", nonlinearity = "relu"): N(0, 2 / fanOut) (the authors' convolutions).
    case kaimingNormalFanOut
    /// N(0, 1), for learned tokens.
    case standardNormal
    case zeros

    public func sample(_ shape: [Int], fanIn: Int, fanOut: Int, using rng: inout RandomGenerator) -> Tensor {
        switch self {
        case .pytorchDefault:
            let b = Float(1 / Double(max(fanIn, 1)).squareRoot())
            return rng.uniformTensor(shape, low: -b, high: b)
        case .kaimingUniformReLU:
            let b = Float((6 / Double(max(fanIn, 1))).squareRoot())
            return rng.uniformTensor(shape, low: -b, high: b)
        case .kaimingNormalFanOut:
            return rng.normalTensor(shape, std: Float((2 / Double(max(fanOut, 1))).squareRoot()))
        case .standardNormal:
            return rng.normalTensor(shape)
        case .zeros:
            return .zeros(shape)
        }
    }
}

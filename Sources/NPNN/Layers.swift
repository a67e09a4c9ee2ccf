import NPAutodiff
import NPTensor

/// y = x Wᵀ + b, with W stored `[out, in]` as in PyTorch (so checkpoints line up with `nn.Linear`).
public struct Linear {
    public let weight: Variable
    public let bias: Variable?

    public init(_ scope: ParameterScope, inputs: Int, outputs: Int, bias: Bool = true,
                initialiser: Initialiser = .kaimingUniformReLU, biasInitialiser: Initialiser = .zeros,
                rng: inout RandomGenerator) {
        weight = scope.make("weight", initialiser.sample([outputs, inputs], fanIn: inputs, fanOut: outputs, using: &rng))
        self.bias = bias ? scope.make("bias", biasInitialiser.sample([outputs], fanIn: inputs, fanOut: outputs, using: &rng)) : nil
    }

    public var inputs: Int { weight.shape[1] }
    public var outputs: Int { weight.shape[0] }

    public func callAsFunction(_ tape: Tape, _ x: Variable) -> Variable {
        require(x.shape.last == inputs, "Linear expects last axis \(inputs), got \(x.shape)")
        return tape.dense(x, weight: weight, bias: bias, relu: false)
    }

    /// relu(x Wᵀ + b) in one fused op.
    public func relu(_ tape: Tape, _ x: Variable) -> Variable {
        require(x.shape.last == inputs, "Linear expects last axis \(inputs), got \(x.shape)")
        return tape.dense(x, weight: weight, bias: bias, relu: true)
    }
}

/// A multilayer perceptron: Linear → ReLU → … → Linear (no activation after the last layer).
public struct MLP {
    public let layers: [Linear]

    /// `widths` = [input, hidden…, output]; e.g. two hidden layers of width 128: [d, 128, 128, out].
    /// `zeroOutputLayer`: the last layer's weights start at zero (its bias always does), so the MLP starts at 0.
    public init(_ scope: ParameterScope, widths: [Int], initialiser: Initialiser = .kaimingUniformReLU,
                zeroOutputLayer: Bool = false, rng: inout RandomGenerator) {
        require(widths.count >= 2, "an MLP needs at least input and output widths")
        layers = (0..<(widths.count - 1)).map { i in
            let last = i == widths.count - 2
            return Linear(scope.child("\(i)"), inputs: widths[i], outputs: widths[i + 1],
                          initialiser: last && zeroOutputLayer ? .zeros : initialiser, rng: &rng)
        }
    }

    public func callAsFunction(_ tape: Tape, _ x: Variable) -> Variable {
        var h = x
        for (i, layer) in layers.enumerated() {
            h = i < layers.count - 1 ? layer.relu(tape, h) : layer(tape, h)
        }
        return h
    }
}

/// Layer normalisation over the last axis with a learned gain (init 1) and bias (init 0).
public struct LayerNorm {
    public let gain: Variable
    public let bias: Variable
    public let eps: Float

    public init(_ scope: ParameterScope, features: Int, eps: Float = 1e-5) {
        gain = scope.make("weight", Tensor(repeating: 1, shape: [features]))
        bias = scope.make("bias", .zeros([features]))
        self.eps = eps
    }

    public func callAsFunction(_ tape: Tape, _ x: Variable) -> Variable {
        tape.layerNorm(x, gain: gain, bias: bias, eps: eps)
    }
}

/// A stride-1 "same" convolution with bias over a channels-last 1-D or 2-D grid.
public struct Conv {
    public let weight: Variable
    public let bias: Variable?
    public let groups: Int

    /// `kernel` has one entry per spatial axis; weight shape `[k…, cin/groups, cout]`.
    public init(_ scope: ParameterScope, kernel: [Int], inputs: Int, outputs: Int, groups: Int = 1, bias: Bool = true,
                initialiser: Initialiser = .kaimingNormalFanOut, rng: inout RandomGenerator) {
        let taps = kernel.reduce(1, *)
        let shape = kernel + [inputs / groups, outputs]
        weight = scope.make("weight", initialiser.sample(shape, fanIn: inputs / groups * taps,
                                                          fanOut: outputs / groups * taps, using: &rng))
        self.bias = bias ? scope.make("bias", .zeros([outputs])) : nil
        self.groups = groups
    }

    public func callAsFunction(_ tape: Tape, _ x: Variable) -> Variable {
        let y = tape.conv(x, weight, groups: groups)
        return bias.map { tape.add(y, $0) } ?? y
    }
}

import Dispatch
import NPTensor

/// Records operations in execution order so that `backward(from:)` can walk them in reverse.
///
/// A tape lives for one forward/backward pass and is passed explicitly (there is no global tape).
/// A tape made with `recording: false` computes values only: use it for evaluation.
public final class Tape {
    public let recording: Bool
    private var nodes: [Variable] = []
    private var pullbacks: [() -> Void] = []

    /// When set, every op's forward and backward time is recorded in it (`TapeProfile`).
    public var profile: TapeProfile?

    /// When set, every `pairwiseLogitMLP` call records which hidden units of its MLP are active for every pair
    /// (`PairwiseReLUPatterns`; the PyTorch twin's check evaluates its float64 gradient at this pattern).
    public var pairwiseReLUPatterns: PairwiseReLUPatterns?

    /// The convolution algorithms `conv` may use (`ConvolutionAlgorithms`): by default the process's setting; a
    /// training run passes its own, so that it resumes and retrains with the arithmetic it started with.
    public let convolutions: ConvolutionAlgorithms

    public init(recording: Bool = true, convolutions: ConvolutionAlgorithms = .process) {
        self.recording = recording; self.convolutions = convolutions
    }

    /// A constant (non-differentiable) input.
    public func constant(_ value: Tensor) -> Variable { Variable(value, requiresGrad: false) }

    /// Wraps an op result. `pullback` is called during `backward` only if `out` received a gradient; it
    /// must *add* into its inputs' gradients. It receives `out` so closures need not capture it.
    /// `op` names the op in a `TapeProfile` (by default the recording method's name).
    public func result(_ value: Tensor, inputs: [Variable], op: String = #function, pullback: @escaping (Variable) -> Void) -> Variable {
        let needs = recording && inputs.contains { $0.requiresGrad }
        let out = Variable(value, requiresGrad: needs)
        if let profile {
            profile.recordForward(op)
            if needs {
                append(out) { out in
                    let t0 = DispatchTime.now().uptimeNanoseconds
                    pullback(out)
                    profile.recordBackward(op, seconds: Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
                }
            }
            return out
        }
        if needs { append(out, pullback) }
        return out
    }

    func append(_ out: Variable, _ pullback: @escaping (Variable) -> Void) {
        nodes.append(out)
        pullbacks.append { [unowned out] in if out.hasGrad { pullback(out) } }
    }

    /// Number of recorded operations.
    public var count: Int { nodes.count }

    /// Back-propagates from a scalar `loss` (seed gradient 1), then clears the tape.
    /// Gradients accumulate into every variable with `requiresGrad`, including parameters.
    ///
    /// The gradient of an op's result is released as soon as its pullback has passed it on (every consumer of a
    /// result is recorded after it, so nothing adds to it later): only the leaves — parameters and the caller's
    /// own variables — keep gradients after `backward`. This halves the peak memory of a training step, which
    /// otherwise holds a gradient beside every activation at the end of the backward pass.
    public func backward(from loss: Variable) {
        require(loss.value.count == 1, "backward needs a scalar loss, got shape \(loss.shape)")
        require(recording, "backward on a tape that was not recording")
        loss.withGrad { $0[0] += 1 }
        for i in stride(from: pullbacks.count - 1, through: 0, by: -1) {
            pullbacks[i]()
            nodes[i].gradStorage = []
        }
        nodes.removeAll(keepingCapacity: true)
        pullbacks.removeAll(keepingCapacity: true)
    }
}

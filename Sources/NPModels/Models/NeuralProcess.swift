import NPAutodiff
import NPNN
import NPTensor

/// A conditional neural process: maps a context set to a Gaussian predictive at target inputs.
///
/// Shapes: `xc [m, nc, dx]`, `yc [m, nc, dy]`, `xt [m, nt, dx]`; the prediction is `[m, nt, dy]`.
public protocol NeuralProcess: AnyObject {
    /// Every trainable parameter, by name.
    var parameters: ParameterStore { get }
    /// The probability with which the model drops its fixed inputs for a task during training; nil for
    /// models without fixed inputs.
    var fixedInputDropout: Double? { get }
    func predict(_ tape: Tape, xc: Tensor, yc: Tensor, xt: Tensor, fixedInputs: FixedInputSwitch) -> Prediction
}

extension NeuralProcess {
    public var hasFixedInputs: Bool { fixedInputDropout != nil }

    /// The training objective: minus the log-likelihood averaged over every target point and output
    /// dimension of the batch (the authors' per-batch normalisation; with equal N_t per task this is also
    /// the mean over tasks of the per-task average).
    public func loss(_ tape: Tape, _ batch: TaskBatch, fixedInputs: FixedInputSwitch) -> Variable {
        let p = predict(tape, xc: batch.xc, yc: batch.yc, xt: batch.xt, fixedInputs: fixedInputs)
        return tape.negate(tape.meanAll(p.logLikelihood(tape, batch.yt)))
    }

    /// The fixed-input switch for one training batch: one keep/drop draw per task.
    public func trainingSwitch(tasks: Int, using rng: inout RandomGenerator) -> FixedInputSwitch {
        guard let p = fixedInputDropout else { return .on }
        return .dropout(tasks: tasks, p: p, using: &rng)
    }
}

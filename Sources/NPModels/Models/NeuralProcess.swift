import NPAutodiff
import NPNN
import NPTensor

/// A conditional neural process: maps a context set to a Gaussian predictive at target inputs.
///
/// Shapes: context `x [m, nc, dx]`, `y [m, nc, dy]`, optional mask `[m, nc]`; `xt [m, nt, dx]`; the
/// prediction is `[m, nt, dy]`. Padded context points (mask 0) never influence a prediction.
public protocol NeuralProcess: AnyObject {
    /// Every trainable parameter, by name.
    var parameters: ParameterStore { get }
    /// The probability with which the model drops its fixed inputs for a task during training; nil for
    /// models without fixed inputs.
    var fixedInputDropout: Double? { get }
    func predict(_ tape: Tape, context: ContextSet, xt: Tensor, fixedInputs: FixedInputSwitch) -> Prediction
}

extension NeuralProcess {
    public var hasFixedInputs: Bool { fixedInputDropout != nil }

    /// Prediction for unpadded context tensors.
    public func predict(_ tape: Tape, xc: Tensor, yc: Tensor, xt: Tensor, fixedInputs sw: FixedInputSwitch) -> Prediction {
        predict(tape, context: ContextSet(x: xc, y: yc), xt: xt, fixedInputs: sw)
    }

    /// Prediction at a batch's targets.
    public func predict(_ tape: Tape, _ batch: TaskBatch, fixedInputs sw: FixedInputSwitch) -> Prediction {
        predict(tape, context: batch.context, xt: batch.xt, fixedInputs: sw)
    }

    /// The training objective: minus the log-likelihood averaged over every real target point and output
    /// dimension of the batch (the authors' per-batch normalisation; with equal N_t per task this is also
    /// the mean over tasks of the per-task average).
    public func loss(_ tape: Tape, _ batch: TaskBatch, fixedInputs: FixedInputSwitch) -> Variable {
        let ll = predict(tape, batch, fixedInputs: fixedInputs).logLikelihood(tape, batch.yt)
        guard let mask = batch.targetMask else { return tape.negate(tape.meanAll(ll)) }
        let real = mask.scalars.reduce(0, +) * Float(batch.outputDimension)
        let masked = tape.mul(ll, tape.constant(mask.reshaped([batch.taskCount, batch.targetCount, 1])))
        return tape.affine(tape.sumAll(masked), scale: -1 / real)
    }

    /// The fixed-input switch for one training batch: one keep/drop draw per task.
    public func trainingSwitch(tasks: Int, using rng: inout RandomGenerator) -> FixedInputSwitch {
        guard let p = fixedInputDropout else { return .on }
        return .dropout(tasks: tasks, p: p, using: &rng)
    }
}

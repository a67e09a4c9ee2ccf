import NPAutodiff
import NPModels
import NPNN
import NPTensor

/// The losses of `steps` training steps cycling through `batches`: forward with the model's training dropout of the
/// fixed inputs (drawn from `seed`), backward, value clipping at 0.5, one optimiser update per step.
public func trainingLosses(_ model: NeuralProcess, optimiser: AdamW, batches: [TaskBatch], steps: Int, seed: UInt64 = 22) -> [Float] {
    var rng = RandomGenerator(seed: seed)
    var losses: [Float] = []
    for step in 0..<steps {
        let b = batches[step % batches.count]
        let tape = Tape()
        let loss = model.loss(tape, b, fixedInputs: model.trainingSwitch(tasks: b.taskCount, using: &rng))
        tape.backward(from: loss)
        GradientClipping.value(0.5).apply(to: model.parameters)
        optimiser.update()
        losses.append(loss.scalars[0])
    }
    return losses
}

/// The mean of the first and of the last 20 losses.
public func firstAndLastLoss(_ losses: [Float]) -> (first: Float, last: Float) {
    (losses.prefix(20).reduce(0, +) / 20, losses.suffix(20).reduce(0, +) / 20)
}

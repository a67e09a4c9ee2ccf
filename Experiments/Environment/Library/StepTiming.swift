import Foundation
import NPAutodiff
import NPModels
import NPNN
import NPTensor
import StationData

extension EnvironmentExperiment {
    /// Wall-clock seconds per training step (forward, backward, clipping, AdamW) of every run's model on real
    /// training batches, after one warm-up step: what the scale's step budgets were chosen from.
    public func stepTimes(steps: Int = 3) throws -> [(label: String, seconds: Double)] {
        var out: [(String, Double)] = []
        var seen = Set<String>()
        for config in try allRuns() where seen.insert("\(config.model.kind.rawValue)-\(config.dimension)").inserted {
            var rng = RandomGenerator(seed: 1)
            let model = config.model.build(rng: &rng)
            let optimiser = AdamW(model.parameters, .init(learningRate: 5e-4, weightDecay: 0.01))
            let material = try data().tasks(.train, dimension: config.dimension)
            var start = Date()
            for step in 0...steps {
                if step == 1 { start = Date() }
                let batch = StationTaskSampling.trainingBatch(material, size: config.schedule.batchSize, using: &rng)
                let tape = Tape()
                let loss = model.loss(tape, batch, fixedInputs: model.trainingSwitch(tasks: batch.taskCount, using: &rng))
                tape.backward(from: loss)
                config.schedule.clipping.apply(to: model.parameters)
                optimiser.update()
            }
            out.append((config.label, Date().timeIntervalSince(start) / Double(steps)))
        }
        return out
    }
}

import AtomicFile
import Foundation
import NPAutodiff
import NPModels
import NPNN
import NPTensor

/// The optimisation schedule of one training run (Docs/paper-spec.md §6).
public struct TrainingSchedule: Codable, Sendable, Equatable {
    public var steps: Int
    public var batchSize: Int = 16
    public var learningRate: Float = 5e-4
    /// AdamW weight decay: the paper does not state it; PyTorch's default (Docs/paper-spec.md §6).
    public var weightDecay: Float = 0.01
    /// "Gradient value magnitudes are clipped at 0.5" (Docs/paper-spec.md A10).
    public var clipping: GradientClipping = .value(0.5)
    public var checkpointEvery: Int
    public var validateEvery: Int
    /// How the learning rate varies over the run (nil: constant, the paper's protocol). Optional and omitted when
    /// nil, so that schedules without it keep their cache keys.
    public var learningRateSchedule: LearningRateSchedule?

    public init(steps: Int, checkpointEvery: Int, validateEvery: Int) {
        self.steps = steps; self.checkpointEvery = checkpointEvery; self.validateEvery = validateEvery
    }

    /// The learning rate of optimiser step `step` (1-based: the rate used for the step'th update).
    public func learningRate(atStep step: Int) -> Float {
        guard let s = learningRateSchedule else { return learningRate }
        return learningRate * s.factor(step: step, of: steps)
    }
}

/// A multiplier of the base learning rate as a function of the step, so that a resumed run uses exactly the rates
/// an uninterrupted one would.
public enum LearningRateSchedule: Codable, Sendable, Equatable {
    /// Linear warm-up from base/warmup to base over the first `warmup` steps, then cosine decay to
    /// `finalFraction` × base at the last step (the usual recipe for short budgets; the paper trains at a constant rate).
    case warmupCosine(warmup: Int, finalFraction: Float)

    /// The factor for step `step` (1 … total) of a run of `total` steps.
    public func factor(step: Int, of total: Int) -> Float {
        switch self {
        case .warmupCosine(let warmup, let finalFraction):
            if step <= warmup { return Float(max(step, 1)) / Float(max(warmup, 1)) }
            let span = max(total - warmup, 1)
            let progress = min(Double(step - warmup) / Double(span), 1)
            let cosine = 0.5 * (1 + Foundation.cos(Double.pi * progress))
            return finalFraction + (1 - finalFraction) * Float(cosine)
        }
    }
}

public enum TrainingError: Error, CustomStringConvertible {
    case nonFiniteLoss(step: Int, lastCheckpoint: Int)
    case corruptState(String)
    public var description: String {
        switch self {
        case .nonFiniteLoss(let s, let c):
            return "the training loss became NaN or infinite at step \(s); stopped. The last checkpoint (step \(c)) is intact: lower the learning rate or inspect the data, then resume."
        case .corruptState(let s): return "cannot resume: \(s)"
        }
    }
}

/// One line of the training log.
public struct LogEntry: Codable, Sendable, Equatable {
    public var step: Int
    public var trainLoss: Double
    public var validationLogLikelihood: Double?
    public var seconds: Double
}

/// Trains a model with AdamW, checkpointing everything needed to resume *exactly*: parameters, optimiser
/// moments, both random streams (data and fixed-input dropout) and the log. A run killed at any point and
/// started again continues from its last checkpoint and ends with bit-identical parameters.
public final class Trainer {
    public let model: NeuralProcess
    public let schedule: TrainingSchedule
    public let directory: URL
    let optimiser: AdamW
    var dataRNG: RandomGenerator
    var dropoutRNG: RandomGenerator
    var log: [LogEntry] = []
    var step = 0
    /// The moving average of the training loss (`train_loss_ema`), saved with the checkpoint so that a resumed run
    /// continues it instead of restarting it.
    var ema: Double? = nil
    let sampleBatch: (inout RandomGenerator) -> TaskBatch
    let validation: [TaskBatch]
    public var progress: ProgressReporter?
    /// The convolution algorithms of the training steps' tapes (`ConvolutionAlgorithms`); a run keeps its own.
    public var convolutions: ConvolutionAlgorithms = .process

    public var checkpointURL: URL { directory.appendingPathComponent("checkpoint.safetensors") }
    public var logURL: URL { directory.appendingPathComponent("train-log.csv") }

    public init(model: NeuralProcess, schedule: TrainingSchedule, seed: UInt64, directory: URL,
                validation: [TaskBatch], sampleBatch: @escaping (inout RandomGenerator) -> TaskBatch) {
        self.model = model; self.schedule = schedule; self.directory = directory
        self.validation = validation; self.sampleBatch = sampleBatch
        optimiser = AdamW(model.parameters, .init(learningRate: schedule.learningRate, weightDecay: schedule.weightDecay))
        dataRNG = RandomGenerator(seed: seed, stream: 1)
        dropoutRNG = RandomGenerator(seed: seed, stream: 2)
    }

    /// The checkpoint metadata entry holding the training-loss moving average (exact: Swift's shortest round-trip
    /// decimal form).
    public static let emaKey = "train_loss_ema"

    /// Runs to the end of the schedule, resuming from a checkpoint in `directory` if there is one. Temporary files
    /// left in `directory` by a killed writer are removed first.
    @discardableResult
    public func run() throws -> [LogEntry] {
        removeStalePartialFiles(in: directory)
        try resumeIfPossible()
        var seconds = log.last?.seconds ?? 0
        let start = Date()
        let startSeconds = seconds
        progress?.begin(total: schedule.steps, at: step)
        while step < schedule.steps {
            let batch = sampleBatch(&dataRNG)
            let tape = Tape(convolutions: convolutions)
            let loss = model.loss(tape, batch, fixedInputs: model.trainingSwitch(tasks: batch.taskCount, using: &dropoutRNG))
            let value = Double(loss.scalars[0])
            guard value.isFinite else {
                throw TrainingError.nonFiniteLoss(step: step + 1, lastCheckpoint: log.last?.step ?? 0)
            }
            tape.backward(from: loss)
            schedule.clipping.apply(to: model.parameters)
            optimiser.hyper.learningRate = schedule.learningRate(atStep: step + 1)
            optimiser.update()
            step += 1
            ema = ema.map { 0.98 * $0 + 0.02 * value } ?? value
            seconds = startSeconds + Date().timeIntervalSince(start)
            progress?.update(step: step, loss: ema!)
            let validate = step % schedule.validateEvery == 0 || step == schedule.steps
            if validate || step % schedule.checkpointEvery == 0 {
                let v = validate ? Evaluation.meanLogLikelihood(model, validation, .on) : nil
                log.append(LogEntry(step: step, trainLoss: ema!, validationLogLikelihood: v, seconds: seconds))
                if let v { progress?.note("step \(step): validation log-likelihood \(String(format: "%.4f", v))") }
                try saveCheckpoint()
            }
        }
        progress?.finish()
        return log
    }

    func saveCheckpoint() throws {
        let enc = JSONEncoder()
        var md: [String: String] = [
            "step": String(step),
            "data_rng": String(decoding: try enc.encode(dataRNG), as: UTF8.self),
            "dropout_rng": String(decoding: try enc.encode(dropoutRNG), as: UTF8.self),
            "log": String(decoding: try enc.encode(log), as: UTF8.self),
        ]
        if let ema { md[Trainer.emaKey] = String(ema) }
        try Checkpoint.save(store: model.parameters, optimiser: optimiser, metadata: md, to: checkpointURL)
        var csv = "step,train_loss_ema,validation_loglik,seconds\n"
        for e in log {
            csv += "\(e.step),\(e.trainLoss),\(e.validationLogLikelihood.map { String($0) } ?? ""),\(String(format: "%.1f", e.seconds))\n"
        }
        try writeAtomically(Data(csv.utf8), to: logURL)
    }

    func resumeIfPossible() throws {
        guard FileManager.default.fileExists(atPath: checkpointURL.path) else { return }
        let md = try Checkpoint.load(into: model.parameters, optimiser: optimiser, from: checkpointURL)
        let dec = JSONDecoder()
        guard let s = md["step"], let st = Int(s), let d = md["data_rng"], let r = md["dropout_rng"], let l = md["log"] else {
            throw TrainingError.corruptState("\(checkpointURL.path) lacks the training state (step, random streams, log)")
        }
        step = st
        dataRNG = try dec.decode(RandomGenerator.self, from: Data(d.utf8))
        dropoutRNG = try dec.decode(RandomGenerator.self, from: Data(r.utf8))
        log = try dec.decode([LogEntry].self, from: Data(l.utf8))
        // Checkpoints written before the average was saved: the last log entry holds the average at the checkpoint's
        // step (a checkpoint is written exactly when an entry is logged), up to its JSON rounding.
        if let e = md[Trainer.emaKey] {
            guard let v = Double(e) else { throw TrainingError.corruptState("\(checkpointURL.path) has an unreadable \(Trainer.emaKey) '\(e)'") }
            ema = v
        } else {
            ema = log.last(where: { $0.step == st })?.trainLoss
        }
        progress?.note("resuming from step \(step) of \(schedule.steps)")
    }
}

import Foundation
import NPData
import NPModels
import NPNN
import NPTensor
import NPTraining
import Testing

func tempDirectory() -> URL {
    let d = FileManager.default.temporaryDirectory.appendingPathComponent("aenp-train-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
    return d
}

func smallModel() -> NeuralProcess {
    var rng = RandomGenerator(seed: 1)
    return ModelSpec.gibbs1D(.convCNPTApprox, preset: .ci).build(rng: &rng)
}

func sampler() -> (inout RandomGenerator) -> TaskBatch {
    var config = GibbsGPConfig.inDistribution()
    config.contextCount = 3...10
    config.targetCount = 12
    let s = GibbsGPSampler(config)
    return { rng in s.sampleBatch(tasks: 4, using: &rng).batch }
}

/// The test sampler, whose batches get a NaN target from call `calls + 1` on.
func poisonedSampler(after calls: Int) -> (inout RandomGenerator) -> TaskBatch {
    var made = 0
    let good = sampler()
    return { rng in
        made += 1
        var b = good(&rng)
        if made > calls { b.yt.scalars[0] = .nan }
        return b
    }
}

@Suite struct TrainerTests {
    func schedule(_ steps: Int) -> TrainingSchedule { TrainingSchedule(steps: steps, checkpointEvery: 5, validateEvery: 10) }

    @Test func interruptedRunResumesToTheSameResult() throws {
        var vr = RandomGenerator(seed: 99)
        let validation = [sampler()(&vr)]
        // Uninterrupted: 20 steps.
        let a = smallModel()
        _ = try Trainer(model: a, schedule: schedule(20), seed: 3, directory: tempDirectory(), validation: validation, sampleBatch: sampler()).run()
        // Interrupted: 10 steps, then a fresh process (new model object, new trainer) resumes to 20.
        let dir = tempDirectory()
        _ = try Trainer(model: smallModel(), schedule: schedule(10), seed: 3, directory: dir, validation: validation, sampleBatch: sampler()).run()
        let b = smallModel()
        let log = try Trainer(model: b, schedule: schedule(20), seed: 3, directory: dir, validation: validation, sampleBatch: sampler()).run()
        for (name, p) in a.parameters.named {
            #expect(b.parameters[name]!.scalars == p.scalars, "\(name) differs after resuming")
        }
        #expect(log.map(\.step) == [5, 10, 15, 20])
        #expect(log.last!.validationLogLikelihood != nil)
        let csv = try String(contentsOf: dir.appendingPathComponent("train-log.csv"), encoding: .utf8)
        #expect(csv.split(separator: "\n").count == 5)
    }

    @Test func warmupCosineRisesLinearlyThenDecaysToTheFinalFraction() {
        let s = LearningRateSchedule.warmupCosine(warmup: 5, finalFraction: 0.1)
        #expect(s.factor(step: 1, of: 105) == 0.2 && s.factor(step: 5, of: 105) == 1)
        #expect(abs(s.factor(step: 55, of: 105) - 0.55) < 1e-6)   // half-way through the decay: 0.1 + 0.9 · ½
        #expect(abs(s.factor(step: 105, of: 105) - 0.1) < 1e-6)
        let rates = (6...105).map { s.factor(step: $0, of: 105) }
        #expect(zip(rates, rates.dropFirst()).allSatisfy { $0 >= $1 })
        var schedule = TrainingSchedule(steps: 105, checkpointEvery: 5, validateEvery: 5)
        #expect(schedule.learningRate(atStep: 50) == schedule.learningRate)   // nil: the paper's constant rate
        schedule.learningRateSchedule = s
        #expect(schedule.learningRate(atStep: 1) == schedule.learningRate * 0.2)
    }

    /// A scheduled run (warm-up + cosine, clipping by global norm) stopped part-way by a NaN resumes from its last
    /// checkpoint to the uninterrupted run's parameters: the rate is a function of the step, not of the process.
    @Test func scheduledRunStoppedPartWayResumesToTheSameResult() throws {
        var vr = RandomGenerator(seed: 98)
        let validation = [sampler()(&vr)]
        var s = schedule(20)
        s.learningRateSchedule = .warmupCosine(warmup: 4, finalFraction: 0)
        s.clipping = .norm(0.5)
        let a = smallModel()
        _ = try Trainer(model: a, schedule: s, seed: 4, directory: tempDirectory(), validation: validation, sampleBatch: sampler()).run()
        let dir = tempDirectory()
        #expect(throws: TrainingError.self) {
            try Trainer(model: smallModel(), schedule: s, seed: 4, directory: dir, validation: validation,
                        sampleBatch: poisonedSampler(after: 12)).run()
        }
        let b = smallModel()
        _ = try Trainer(model: b, schedule: s, seed: 4, directory: dir, validation: validation, sampleBatch: sampler()).run()
        for (name, p) in a.parameters.named {
            #expect(b.parameters[name]!.scalars == p.scalars, "\(name) differs after resuming")
        }
    }

    @Test func nonFiniteLossStopsWithAClearErrorAndKeepsTheCheckpoint() throws {
        let dir = tempDirectory()
        let poisoned = poisonedSampler(after: 7)
        let trainer = Trainer(model: smallModel(), schedule: schedule(20), seed: 3, directory: dir, validation: [], sampleBatch: poisoned)
        do {
            try trainer.run()
            Issue.record("a NaN loss did not stop training")
        } catch let e as TrainingError {
            #expect(e.description.contains("step 8") && e.description.contains("checkpoint (step 5)"), "\(e)")
        }
        let md = try Checkpoint.load(into: smallModel().parameters, optimiser: nil, from: dir.appendingPathComponent("checkpoint.safetensors"))
        #expect(md["step"] == "5")
    }

    @Test func estimateHasTheTextbookStandardError() {
        let e = Estimate([1, 2, 3, 4])
        #expect(e.mean == 2.5 && e.count == 4)
        #expect(abs(e.standardError - (5.0 / 3 / 4).squareRoot()) < 1e-12)
    }

    @Test func deviationIsZeroForAnEquivariantModelAndPositiveWithFixedInputs() {
        var vr = RandomGenerator(seed: 5)
        let batches = [sampler()(&vr)]
        var rng = RandomGenerator(seed: 2)
        let plain = ModelSpec.gibbs1D(.convCNPT, preset: .ci).build(rng: &rng)
        #expect(Evaluation.equivarianceDeviation(plain, batches).elementwise.mean == 0)
        let approx = smallModel()
        #expect(Evaluation.equivarianceDeviation(approx, batches).normRatio.mean > 1e-3)
    }

    /// The training-loss moving average continues across a resume: the resumed log (and CSV column) equals the
    /// uninterrupted one, instead of restarting from the first loss after the resume.
    @Test func resumedRunLogsTheSameTrainingLossAverage() throws {
        var vr = RandomGenerator(seed: 97)
        let validation = [sampler()(&vr)]
        let whole = try Trainer(model: smallModel(), schedule: schedule(20), seed: 5, directory: tempDirectory(),
                                validation: validation, sampleBatch: sampler()).run()
        let dir = tempDirectory()
        _ = try Trainer(model: smallModel(), schedule: schedule(10), seed: 5, directory: dir, validation: validation, sampleBatch: sampler()).run()
        let resumed = try Trainer(model: smallModel(), schedule: schedule(20), seed: 5, directory: dir, validation: validation,
                                  sampleBatch: sampler()).run()
        #expect(resumed.map(\.step) == whole.map(\.step))
        #expect(resumed.map(\.trainLoss) == whole.map(\.trainLoss))
        #expect(resumed.map(\.validationLogLikelihood) == whole.map(\.validationLogLikelihood))
        let md = try Checkpoint.load(into: smallModel().parameters, optimiser: nil, from: dir.appendingPathComponent("checkpoint.safetensors"))
        #expect(md[Trainer.emaKey].flatMap(Double.init) == whole.last!.trainLoss)
        let column = try String(contentsOf: dir.appendingPathComponent("train-log.csv"), encoding: .utf8)
            .split(separator: "\n").dropFirst().map { $0.split(separator: ",")[1] }
        #expect(column.map(String.init) == whole.map { String($0.trainLoss) })
    }

    @Test func aRunRemovesPartialFilesOfKilledWritersFromItsFolder() throws {
        let dir = tempDirectory()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/true")
        try p.run(); p.waitUntilExit()
        let stale = ".checkpoint.safetensors.partial-\(p.processIdentifier)-1"
        try Data("x".utf8).write(to: dir.appendingPathComponent(stale))
        _ = try Trainer(model: smallModel(), schedule: schedule(5), seed: 3, directory: dir, validation: [], sampleBatch: sampler()).run()
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent(stale).path))
    }
}

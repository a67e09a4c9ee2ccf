import ExperimentKit
import Foundation
import NPAutodiff
import NPModels
import NPReport
import NPTensor
import NPTraining
import Testing

/// The shared diagnostics (ExperimentKit/Diagnostics) on the toy experiment: the initialisation probes follow the
/// Trainer, the evaluation-time σ floor at 0 reproduces the experiment's scores, and the trivial predictor is a
/// Gaussian with the batch's context moments.
@Suite("Diagnostics") struct DiagnosticsTests {
    func toy() throws -> (ToyExperiment, URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("diagnostics-\(UUID().uuidString)")
        let e = try ToyExperiment(scale: .ci, options: .init(), resultsRoot: dir.appendingPathComponent("results"), outputRoot: dir.appendingPathComponent("out"))
        e.quiet = true
        return (e, dir)
    }

    @Test func aFloorOfZeroReproducesTheEvaluationAndFloorsOnlyRaiseSigma() throws {
        let (e, dir) = try toy()
        defer { try? FileManager.default.removeItem(at: dir) }
        var rng = RandomGenerator(seed: 3, stream: 0)
        let model = e.runConfig(.convCNPTApprox).model.build(rng: &rng)
        let batches = e.batches(count: 2, stream: 3)
        for sw in [FixedInputSwitch.on, .off] {
            let reference = Evaluation.perTaskLogLikelihood(model, batches, sw)
            let floored = FlooredEvaluation.perTaskLogLikelihood(model, batches, sw, floors: [0, 0.05, 1e3])
            #expect(floored.count == 3 && floored.allSatisfy { $0.count == reference.count })
            #expect(zip(floored[0], reference).allSatisfy { abs($0 - $1) < 1e-4 * max(1, abs($1)) })
            // A huge floor makes every σ equal to it: the score is then −log(σ√2π) − small.
            let huge = -0.5 * log(2 * Double.pi) - log(1e3)
            #expect(floored[2].allSatisfy { abs($0 - huge) < 1e-3 })
        }
    }

    @Test func theTrivialPredictorUsesTheBatchsContextMoments() {
        // Two tasks, context values {1, 3} and {5, 7} (one padded point with value 100, masked out): mean 4, sd √5.
        let b = TaskBatch(xc: .zeros([2, 3, 1]), yc: Tensor(shape: [2, 3, 1], scalars: [1, 3, 100, 5, 7, 100]),
                          xt: .zeros([2, 1, 1]), yt: Tensor(shape: [2, 1, 1], scalars: [4, 4 + 5.0.squareRoot()].map(Float.init)),
                          contextMask: Tensor(shape: [2, 3], scalars: [1, 1, 0, 1, 1, 0]))
        let sd = 5.0.squareRoot()
        let expected = 0.5 * log(2 * Double.pi) + log(sd) + 0.25   // z = 0 and z = 1 averaged: 0.5 · (0 + 1) / 2
        #expect(abs(TrivialPredictor.negativeLogLikelihood(b, floor: 0.01) - expected) < 1e-6)
        #expect(TrivialPredictor.negativeLogLikelihood(b, floor: 100) > TrivialPredictor.negativeLogLikelihood(b, floor: 0.01))
    }

    @Test func initialisationProbesFollowTheTrainersFirstStep() throws {
        let (e, dir) = try toy()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = e.runConfig(.convCNPTApprox)
        let probes = try e.initialisationProbes(run, seeds: [0, 1, 2])
        #expect(probes.map(\.seed) == [0, 1, 2])
        #expect(probes.allSatisfy { $0.loss.isFinite && $0.trivialLoss.isFinite && $0.gradientNorm > 0 && (0...1).contains($0.clippedShare) })
        // The probe's loss is the Trainer's: the model of stream 0, the batch of stream 1, the dropout of stream 2.
        var m = RandomGenerator(seed: 1, stream: 0), d = RandomGenerator(seed: 1, stream: 1), p = RandomGenerator(seed: 1, stream: 2)
        let model = run.model.build(rng: &m)
        let batch = e.trainingData(for: run).sampleBatch(&d)
        let loss = model.loss(Tape(), batch, fixedInputs: model.trainingSwitch(tasks: batch.taskCount, using: &p))
        #expect(Double(loss.scalars[0]) == probes[1].loss)
        // Repeatable.
        #expect(try e.initialisationProbes(run, seeds: [1]) == [probes[1]])
    }

    @Test func theInitialisationTableHasOneFiniteRowPerModel() throws {
        let (e, dir) = try toy()
        defer { try? FileManager.default.removeItem(at: dir) }
        let probes = try e.writeInitialisationTable(groups: [("ConvCNP", [("(T)", e.runConfig(.convCNPT)), ("(T̃)", e.runConfig(.convCNPTApprox))])],
                                                    seeds: [0, 1], name: "diagnostics-init-toy", item: "toy", captionPrefix: "Toy.", note: nil)
        #expect(probes.keys.sorted() == ["(T)", "(T̃)"])
        let json = try Data(contentsOf: e.tablesDirectory.appendingPathComponent("diagnostics-init-toy.json"))
        let table = try JSONDecoder().decode(ResultsTable.self, from: json)
        #expect(table.groups.flatMap(\.rows).count == 2)
        for ending in ["tex", "md", "provenance.json", "probes.json"] {
            #expect(FileManager.default.fileExists(atPath: e.tablesDirectory.appendingPathComponent("diagnostics-init-toy.\(ending)").path))
        }
    }
}

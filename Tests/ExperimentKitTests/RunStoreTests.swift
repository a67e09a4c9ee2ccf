import ExperimentKit
import Foundation
import NPData
import NPModels
import NPNN
import NPTensor
import NPTraining
import Testing

/// `RunStore`: cache keys with model code versions, and finished runs' checkpoints.
struct RunStoreTests {
    struct VersionedRun: RunConfiguration {
        var label = "convcnp-t"
        var model = ModelSpec.gibbs1D(.convCNPT, preset: .ci)
        var schedule = TrainingSchedule(steps: 10, checkpointEvery: 5, validateEvery: 5)
        var seed: UInt64 = 0
        var codeVersion = 1
    }

    @Test func modelCodeVersionOneKeepsTheKeyAndABumpChangesIt() throws {
        let store = RunStore(root: URL(fileURLWithPath: "/nonexistent"), experiment: "x", scale: "ci")
        var run = VersionedRun()
        let v1 = try store.key(run)
        // Version 1 is the hash of the configuration alone (the keys of runs made before versioning existed).
        let plain = try canonicalJSON(run)
        #expect(v1.hasPrefix("convcnp-t-") && v1.count == "convcnp-t-".count + 12)
        run.codeVersion = 2
        let v2 = try store.key(run)
        #expect(v2 != v1 && v2.hasPrefix("convcnp-t-"))
        run.codeVersion = 1
        #expect(try store.key(run) == v1 && (try canonicalJSON(run)) == plain)
    }

    /// A store that drops the optimiser state keeps only the parameters (and the training log) in a finished run's
    /// checkpoint, which still loads; the default keeps the state.
    @Test func finishedRunsCanDropTheOptimiserState() throws {
        let sampler = GibbsGPSampler(.inDistribution(kernel: .paper))
        for keep in [true, false] {
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("drop-\(keep)-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: root) }
            let store = RunStore(root: root, experiment: "x", scale: "ci", keepsOptimiserStateWhenDone: keep)
            let run = VersionedRun()
            let trained = try store.trainedModel(run, progress: nil, validation: { [] }) { rng in sampler.sampleBatch(tasks: 4, using: &rng).batch }
            let url = store.runDirectory(try store.key(run)).appendingPathComponent("checkpoint.safetensors")
            let names = try SafeTensors.decode(try Data(contentsOf: url)).tensors.keys
            #expect(names.contains { $0.hasPrefix("adamw.") } == keep)
            #expect(!store.trainingLog(try store.key(run)).isEmpty, "the training log survives")
            let reloaded = try store.trainedModel(run, progress: nil, validation: { [] }) { _ in fatalError("a finished run is not retrained") }
            #expect(reloaded.parameters.snapshot() == trained.parameters.snapshot())
            // A run finished under a keeping store sheds the state when a dropping store first loads it.
            if keep {
                let dropping = RunStore(root: root, experiment: "x", scale: "ci", keepsOptimiserStateWhenDone: false)
                let again = try dropping.trainedModel(run, progress: nil, validation: { [] }) { _ in fatalError("a finished run is not retrained") }
                #expect(!(try SafeTensors.decode(try Data(contentsOf: url)).tensors.keys.contains { $0.hasPrefix("adamw.") }))
                #expect(again.parameters.snapshot() == trained.parameters.snapshot())
            }
        }
    }

    /// A finished run whose weights are dropped keeps its DONE, log and metrics; its model, when needed, is trained
    /// again from the same seed into `retrained/` and comes out with the same parameters. An unfinished run is refused.
    @Test func droppedWeightsAreTrainedAgainWhenNeeded() throws {
        let sampler = GibbsGPSampler(.inDistribution(kernel: .paper))
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("dropweights-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let store = RunStore(root: root, experiment: "x", scale: "ci", keepsOptimiserStateWhenDone: false)
        let run = VersionedRun(), key = try store.key(run)
        #expect(throws: ExperimentError.self) { try store.dropWeights(key) }
        let trained = try store.trainedModel(run, progress: nil, validation: { [] }) { rng in sampler.sampleBatch(tasks: 4, using: &rng).batch }
        let log = store.trainingLog(key)
        try store.dropWeights(key)
        let dir = store.runDirectory(key)
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("checkpoint.safetensors").path))
        #expect(store.isDone(key) && store.needsTraining(key))
        // The log survives (from train-log.csv, seconds to 0.1 s).
        #expect(store.trainingLog(key).map(\.step) == log.map(\.step) && store.trainingLog(key).last.map { abs($0.seconds - log.last!.seconds) < 0.06 } == true)
        let again = try store.trainedModel(run, progress: nil, validation: { [] }) { rng in sampler.sampleBatch(tasks: 4, using: &rng).batch }
        #expect(again.parameters.snapshot() == trained.parameters.snapshot())
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("retrained/checkpoint.safetensors").path) && !store.needsTraining(key))
        let loaded = try store.trainedModel(run, progress: nil, validation: { [] }) { _ in fatalError("trained again only once") }
        #expect(loaded.parameters.snapshot() == trained.parameters.snapshot())
        try store.dropWeights(key)   // idempotent
        #expect(store.weightsNotKept(key))
    }
}

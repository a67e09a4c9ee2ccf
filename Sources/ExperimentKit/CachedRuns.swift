import AtomicFile
import Foundation
import NPModels
import NPNN
import NPTensor
import NPTraining

/// A training run's full configuration: what it trains (the model specification), how (the schedule), on what
/// (the experiment's data settings, in the conforming type) and from which seed. Its canonical JSON names the
/// run in the cache; the model kind's code version is part of the name from version 2 on.
public protocol RunConfiguration: Codable, Sendable, Equatable {
    /// Folder-name prefix of the run, e.g. `convcnp-t-approx-B4`.
    var label: String { get }
    var model: ModelSpec { get }
    var schedule: TrainingSchedule { get }
    var seed: UInt64 { get set }
    /// The version of the code that computes this run's model; by default `ModelKind.codeVersion`.
    var codeVersion: Int { get }
}

extension RunConfiguration {
    public var codeVersion: Int { model.kind.codeVersion }
}

extension RunStore {
    /// The run's key under the current model-spec schema: `<label>-<hash>`, the hash over the configuration's
    /// canonical JSON (which names the schema) and, from model code version 2 on, that version; so a model fix
    /// retrains the runs of that model and no others.
    public func schemaKey<C: RunConfiguration>(_ config: C) throws -> String {
        var data = try canonicalJSON(config)
        if config.codeVersion > 1 { data.append(Data("\nmodel code version \(config.codeVersion)".utf8)) }
        return "\(config.label)-\(String(fnv1a(data), radix: 16).leftPadded(to: 16).prefix(12))"
    }

    /// The run's cache key: its `schemaKey`, or the folder of the run with this configuration that was trained under
    /// an earlier schema (its folder keeps the name that schema gave it; `LegacyRunIndex`).
    public func key<C: RunConfiguration>(_ config: C) throws -> String {
        let key = try schemaKey(config)
        if FileManager.default.fileExists(atPath: runDirectory(key).path) { return key }
        return try legacyRuns.folder(forSchemaKey: key, of: C.self, in: self) ?? key
    }

    /// The model of a run with trained weights: loaded from a finished run, or trained — resuming from the last
    /// checkpoint of an interrupted one — under the run's lock, so that two processes never train it at once.
    public func trainedModel<C: RunConfiguration>(_ config: C, progress: ProgressReporter?, validation: () -> [TaskBatch],
                                                  sampleBatch: @escaping (inout RandomGenerator) -> TaskBatch) throws -> NeuralProcess {
        let key = try key(config)
        var rng = RandomGenerator(seed: config.seed, stream: 0)
        let model = config.model.build(rng: &rng)
        let dir = runDirectory(key)
        if needsTraining(key) {
            let lock = try RunLock(directory: dir)
            defer { lock.unlock() }
            // Another process may have finished (or trained again) the run before we took the lock.
            if needsTraining(key) {
                // A finished run here had its weights dropped: it is trained again into `retrained/`, beside the
                // kept log and metrics (`checkpointURL`).
                let again = isDone(key)
                // A run found under an earlier schema keeps the config.json its folder name was made from.
                if !again, try key == schemaKey(config) { try writeJSON(config, to: dir.appendingPathComponent("config.json")) }
                let trainer = Trainer(model: model, schedule: config.schedule, seed: config.seed,
                                      directory: checkpointURL(key).deletingLastPathComponent(), validation: validation(), sampleBatch: sampleBatch)
                trainer.progress = progress
                trainer.convolutions = try convolutionsForTraining(key)
                try trainer.run()
                if !again { try markDone(key) }
                if again || !keepsOptimiserStateWhenDone { try dropOptimiserState(key) }
                return model
            }
        }
        // A run finished before its store stopped keeping optimiser state sheds it on first use (atomic, idempotent).
        if !keepsOptimiserStateWhenDone { try dropOptimiserState(key) }
        _ = try loadFinishedRun(key, into: model.parameters)
        return model
    }

    /// A finished run's metrics from `eval/<key>.json`, or computed (and written) by `compute` when missing or when
    /// `isCurrent` says the file is of an older metrics version (recomputed from the trained weights; no retraining).
    public func cachedMetrics<C: RunConfiguration, M: Codable>(_ config: C, _ type: M.Type, isCurrent: (M) -> Bool = { _ in true },
                                                               compute: () throws -> M) throws -> M {
        let key = try key(config)
        let url = evalURL(key)
        if FileManager.default.fileExists(atPath: url.path), isDone(key) {
            let cached = try readJSON(M.self, from: url)
            if isCurrent(cached) { return cached }
        }
        let m = try compute()
        try writeJSON(m, to: url)
        return m
    }

    /// A finished run's current metrics if they exist, without training or evaluating anything.
    public func existingMetrics<C: RunConfiguration, M: Codable>(_ config: C, _ type: M.Type, isCurrent: (M) -> Bool = { _ in true }) -> M? {
        guard let key = try? key(config), isDone(key), let m = try? readJSON(M.self, from: evalURL(key)), isCurrent(m) else { return nil }
        return m
    }

    /// The training log stored in a run's checkpoint (empty when there is none).
    /// A run whose weights were not kept has its log in train-log.csv only (the retrained checkpoint's log is the
    /// retraining's).
    public func trainingLog(_ key: String) -> [LogEntry] {
        if weightsNotKept(key) { return TrainingLogCSV.read(runDirectory(key).appendingPathComponent("train-log.csv")) }
        guard let data = try? Data(contentsOf: checkpointURL(key)), let md = try? SafeTensors.decode(data).metadata, let l = md["log"] else { return [] }
        return (try? JSONDecoder().decode([LogEntry].self, from: Data(l.utf8))) ?? []
    }

    /// The provenance record of a run.
    public func reference<C: RunConfiguration>(_ config: C) throws -> Provenance.RunRef {
        let key = try key(config)
        return Provenance.RunRef(key: key, model: config.model.kind.displayName,
                                 fixedInputs: config.model.resolvedFixedInputCount,
                                 seed: config.seed, steps: config.schedule.steps, trainingSeconds: trainingLog(key).last?.seconds,
                                 codeVersion: config.codeVersion)
    }
}

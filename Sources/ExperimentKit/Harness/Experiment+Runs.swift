import Foundation
import NPModels
import NPNN
import NPTensor
import NPTraining

extension Experiment {
    /// The run's cache key.
    public func key(_ run: Run) throws -> String { try store.key(run) }

    /// The model of `run` with trained weights: loaded from a finished run, or trained (resuming an interrupted
    /// one, or training again a finished one whose weights were not kept) under the run's lock. The training data are
    /// prepared before the lock is taken, and only when the run must be trained.
    public func trainedModel(_ run: Run) throws -> NeuralProcess {
        let data: TrainingData? = store.needsTraining(try key(run)) ? try trainingData(for: run) : nil
        let progress = ProgressReporter(label: "\(Self.name) \(context.scaleName) \(run.label)", quiet: quiet)
        return try store.trainedModel(run, progress: progress, validation: { (try? data?.validation()) ?? [] }) { rng in
            guard let data else { preconditionFailure("a finished run is never trained again") }
            return data.sampleBatch(&rng)
        }
    }

    /// The metrics of `run`, training and evaluating only what is missing or stale. Metrics with non-finite
    /// per-task scores are an error naming the model, the sets and the tasks, and are not cached.
    public func metrics(_ run: Run) throws -> Metrics {
        try store.cachedMetrics(run, Metrics.self, isCurrent: isCurrent) {
            let model = try trainedModel(run)
            let metrics = try evaluate(run, model: model, key: try key(run))
            if let report = Evaluation.nonFiniteReport(model: "\(run.label) (\(run.model.kind.displayName))", perTaskScores(metrics)) { throw report }
            return metrics
        }
    }

    /// The metrics of a finished run, without training or evaluating anything (nil when absent or stale).
    public func existingMetrics(_ run: Run) -> Metrics? {
        store.existingMetrics(run, Metrics.self, isCurrent: isCurrent)
    }

    /// The one rule for every experiment: a run is finished when it is trained *and* its current metrics exist.
    public func isFinished(_ run: Run) -> Bool {
        guard let key = try? key(run) else { return false }
        return store.isDone(key) && existingMetrics(run) != nil
    }

    /// `run` with every training seed its model gets (`seedReplicates(of:)`): seeds `run.seed`, `run.seed + 1`, ….
    public func seedRuns(_ run: Run) -> [Run] {
        (0..<max(1, seedReplicates(of: run))).map { i in
            var r = run
            r.seed = run.seed + UInt64(i)
            return r
        }
    }

    /// The runs with their seed replicates appended after them (each run once, in first-seen order).
    public func withSeedReplicates(_ runs: [Run]) -> [Run] {
        var all = runs
        for run in runs { for r in seedRuns(run).dropFirst() where !all.contains(r) { all.append(r) } }
        return all
    }

    /// Trains and evaluates every run that is missing, then builds every output.
    public func runAll() throws {
        for run in try allRuns() { _ = try metrics(run) }
        try buildAll()
    }

    /// One line per run for `runs`: its state and key, or the shell command that trains and evaluates it.
    public func runStatus() throws -> [(key: String, done: Bool, command: String)] {
        try allRuns().map { run in
            let arguments = [".build/release/\(Self.name)", "evaluate", "--scale", context.scaleName,
                             "--results", relativePath(store.root)] + optionArguments + arguments(selecting: run) + ["--quiet"]
            return (try key(run), isFinished(run), ShellCommand.line(arguments))
        }
    }
}

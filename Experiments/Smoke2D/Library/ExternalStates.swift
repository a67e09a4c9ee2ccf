import ExperimentKit
import Foundation
import NPModels
import NPTraining
import SmokeSim

/// Every trained model of the experiment evaluated on tasks cut from smoke states this package did not make.
public struct ExternalEvaluation: Codable, Sendable {
    public struct Row: Codable, Sendable {
        public var model: String
        public var key: String
        public var logLikelihood: Estimate
        /// Approximately equivariant models: with the fixed inputs zeroed.
        public var equivariantComponent: Estimate?
        /// Which tasks gave non-finite log-likelihoods (their means are then written as null), if any.
        public var nonFinite: String?
    }
    public var states: [String]
    public var tasks: Int
    public var seed: UInt64
    public var scale: String
    public var rows: [Row]
}

extension SmokeExperiment {
    /// Evaluates every trained model of this scale (training none) on `tasks` tasks cut with `seed` from `states`.
    public func evaluateExternal(_ states: SmokeStates, tasks: Int, seed: UInt64) throws -> ExternalEvaluation {
        let sampler = PatchTaskSampler(states: states)
        let batches = sampler.fixedTasks(count: tasks, seed: seed, stream: 3).batches
        var rows: [ExternalEvaluation.Row] = []
        for config in modelRuns() {
            let key = try store.key(config)
            guard store.isDone(key) else { say("skipping \(config.label): not trained at scale \(scale.name) (\(key))"); continue }
            let model = try trainedModel(config)
            let on = Evaluation.perTaskLogLikelihood(model, batches, .on)
            let off = model.hasFixedInputs ? Evaluation.perTaskLogLikelihood(model, batches, .off) : nil
            let report = Evaluation.nonFiniteReport(model: config.model.kind.displayName,
                                                    [("given states", on)] + (off.map { [("given states, fixed inputs zeroed", $0)] } ?? []))
            if let report { context.warn(report.description) }
            rows.append(.init(model: config.model.kind.displayName, key: key, logLikelihood: Estimate(on), equivariantComponent: off.map(Estimate.init),
                              nonFinite: report?.description))
        }
        guard !rows.isEmpty else {
            throw ExperimentError.usage("no trained smoke models at scale \(scale.name) under \(relativePath(store.base)); train them first (`smoke2d all --scale \(scale.name)`)")
        }
        return ExternalEvaluation(states: states.names, tasks: batches.count * 16, seed: seed, scale: scale.name, rows: rows)
    }
}

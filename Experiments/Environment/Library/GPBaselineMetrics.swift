import ExperimentKit
import Foundation
import NPTensor
import NPTraining
import StationData

/// The GP baseline's fitted kernel and per-task log-likelihoods on the same test tasks as the neural models.
public struct GPBaselineMetrics: Codable, Sendable {
    /// 2: the ID test keeps the training months' stations (Docs/station-data.md §6).
    public static let currentVersion = 2
    public var version: Int
    public var dimension: Int
    public var fittedOnTasks: Int
    public var gp: StationGP
    public var inDistribution: Estimate
    public var outOfDistribution: Estimate
    public var contextSet: Estimate
    public var perTask: EnvironmentPerTask
}

extension EnvironmentExperiment {
    /// Training months (windows) the GP's hyperparameters are fitted on: a fixed-seed sample of the training split.
    func gpFitTasks(dimension: Int) throws -> [StationTaskArrays] {
        let all = try data().tasks(.train, dimension: dimension)
        let n = min(all.count, scale.name == "ci" ? 8 : dimension == 2 ? 120 : 30)
        var rng = RandomGenerator(seed: Self.testSeed, stream: 0x6B + UInt64(dimension))
        var order = Array(all.indices)
        for i in 0..<n { order.swapAt(i, rng.integer(in: i...(order.count - 1))) }
        return order[..<n].sorted().map { all[$0] }
    }

    public func gpBaselineURL(dimension: Int) -> URL {
        store.base.appendingPathComponent("eval/gp-baseline-\(dimension)d.json")
    }

    /// The GP baseline's metrics, computed (fit, then every test task) when missing or stale.
    public func gpBaseline(dimension: Int) throws -> GPBaselineMetrics {
        let url = gpBaselineURL(dimension: dimension)
        let id = try testSet(.idTest, dimension: dimension), ood = try testSet(.oodTest, dimension: dimension)
        if let m = try? readJSON(GPBaselineMetrics.self, from: url), m.version == GPBaselineMetrics.currentVersion,
           m.perTask.inDistribution.count == id.taskCount { return m }
        let fitTasks = try gpFitTasks(dimension: dimension)
        say("fitting the \(dimension)-D GP baseline on \(fitTasks.count) training tasks")
        let gp = StationGP.fit(fitTasks, dimension: dimension)
        func perTask(_ set: StationTestSet, onContext: Bool = false) -> [Double] {
            set.batches.flatMap { b in (0..<b.taskCount).map { gp.averageLogLikelihood(b.task($0), onContext: onContext) } }
        }
        let p = EnvironmentPerTask(inDistribution: perTask(id), outOfDistribution: perTask(ood), contextSet: perTask(id, onContext: true))
        let m = GPBaselineMetrics(version: GPBaselineMetrics.currentVersion, dimension: dimension, fittedOnTasks: fitTasks.count, gp: gp,
                                  inDistribution: Estimate(p.inDistribution), outOfDistribution: Estimate(p.outOfDistribution),
                                  contextSet: Estimate(p.contextSet), perTask: p)
        try writeJSON(m, to: url)
        return m
    }
}

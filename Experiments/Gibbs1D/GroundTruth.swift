import ExperimentKit
import Foundation
import NPData
import NPTensor
import NPTraining

/// The exact predictor's scores (spec §7.1, §8.2): context-set log-likelihood for both kernel readings on
/// the paper's protocol, and test log-likelihoods on the experiment's own test sets.
public struct GroundTruthMetrics: Codable, Sendable {
    public var tasks: Int
    /// Context-set log-likelihood per kernel name (the paper reports 0.2806 ± 0.0005).
    public var contextSet: [String: Estimate]
    public var inDistribution: Estimate
    public var outOfDistribution: Estimate
    public static let paperContextValue = 0.2806
    public static let paperContextError = 0.0005
}

extension Gibbs1DExperiment {
    public var groundTruthURL: URL { store.base.appendingPathComponent("ground-truth-\(scale.groundTruthTasks).json") }

    public func groundTruth() throws -> GroundTruthMetrics {
        if FileManager.default.fileExists(atPath: groundTruthURL.path) { return try readJSON(GroundTruthMetrics.self, from: groundTruthURL) }
        var context: [String: Estimate] = [:]
        for k in GibbsKernel.allCases {
            say("ground truth: context-set log-likelihood of \(scale.groundTruthTasks) tasks, kernel \(k.rawValue)")
            var config = GibbsGPConfig.inDistribution(kernel: k)
            config.targetCount = 0   // context sets only
            let sampler = GibbsGPSampler(config)
            let gt = GibbsGroundTruth(kernel: k)
            var rng = RandomGenerator(seed: 20_240_613, stream: 13)
            var values: [Double] = []
            values.reserveCapacity(scale.groundTruthTasks)
            for _ in 0..<scale.groundTruthTasks {
                // Context only: N_c ~ U{1..64} per task; the 128 targets are not needed.
                let t = sampler.sampleTask(contextCount: rng.integer(in: 1...64), using: &rng)
                values.append(gt.averageLogLikelihood(t, onContext: true))
            }
            context[k.rawValue] = Estimate(values)
        }
        let gt = GibbsGroundTruth(kernel: kernel)
        func targets(_ split: Split) -> Estimate { Estimate(testTasks(split).1.map { gt.averageLogLikelihood($0) }) }
        let m = GroundTruthMetrics(tasks: scale.groundTruthTasks, contextSet: context,
                                   inDistribution: targets(.inDistribution), outOfDistribution: targets(.outOfDistribution))
        try FileManager.default.createDirectory(at: store.base, withIntermediateDirectories: true)
        try writeJSON(m, to: groundTruthURL)
        return m
    }
}

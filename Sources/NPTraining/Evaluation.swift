import Foundation
import NPAutodiff
import NPModels
import NPTensor

/// A mean with its standard error over `count` independent values (tasks).
public struct Estimate: Codable, Sendable, Equatable {
    public var mean: Double
    public var standardError: Double
    public var count: Int

    public init(_ values: [Double]) {
        count = values.count
        mean = values.reduce(0, +) / Double(max(count, 1))
        let m = mean
        let variance = count > 1 ? values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(count - 1) : 0
        standardError = (variance / Double(max(count, 1))).squareRoot()
    }
}

extension Estimate {
    /// The mean of the paired differences aᵢ − bᵢ over the same tasks, with its paired standard error: the
    /// comparison of two models (or a model and its equivariant component) that cancels the task-to-task spread
    /// both share.
    public init(pairedDifference a: [Double], minus b: [Double]) {
        require(a.count == b.count, "paired values of \(a.count) and \(b.count) tasks")
        self.init(zip(a, b).map { $0 - $1 })
    }

    /// The mean of `values` with a cluster-robust standard error: values sharing a cluster label (test tasks cut
    /// from the same month) may be correlated, so the error is built from the clusters' summed deviations,
    /// se² = G/(G − 1) · Σ_g (Σ_{i∈g} (vᵢ − v̄))² / n² over G clusters and n values. With one value per cluster
    /// it equals the plain standard error; with several correlated values per cluster it is larger.
    public init(_ values: [Double], clusters: [Int]) {
        require(values.count == clusters.count, "\(values.count) values with \(clusters.count) cluster labels")
        self.init(values)
        var sums: [Int: Double] = [:]
        for (v, g) in zip(values, clusters) { sums[g, default: 0] += v - mean }
        let g = Double(sums.count), n = Double(values.count)
        // Summed in cluster order, so that the result does not depend on the dictionary's (per-process) order.
        let squares = sums.keys.sorted().reduce(0.0) { $0 + sums[$1]! * sums[$1]! }
        standardError = g > 1 ? (g / (g - 1) * squares).squareRoot() / n : 0
    }

    /// The paired difference aᵢ − bᵢ with the cluster-robust standard error of `init(_:clusters:)`.
    public init(pairedDifference a: [Double], minus b: [Double], clusters: [Int]) {
        require(a.count == b.count, "paired values of \(a.count) and \(b.count) tasks")
        self.init(zip(a, b).map { $0 - $1 }, clusters: clusters)
    }

    /// Mean over standard error: how many standard errors the mean lies from zero (0 when the error is 0).
    public var standardErrors: Double { standardError > 0 ? mean / standardError : 0 }
}

/// Metrics of Docs/paper-spec.md §8, computed with a non-recording tape.
public enum Evaluation {
    /// The flat indices of task `t`'s real target values (every output dimension) in a `[m, nt, dy]` array.
    public static func realTargetIndices(_ b: TaskBatch, task t: Int) -> [Int] {
        let (nt, dy) = (b.targetCount, b.outputDimension)
        var indices: [Int] = []
        for i in 0..<nt where b.targetMask.map({ $0.scalars[t * nt + i] != 0 }) ?? true {
            for k in 0..<dy { indices.append((t * nt + i) * dy + k) }
        }
        return indices
    }

    /// Per task: the average over its real targets (and output dimensions) of log N(y; μ, σ²) (Docs/paper-spec.md A21).
    public static func perTaskLogLikelihood(_ model: NeuralProcess, _ batches: [TaskBatch], _ sw: FixedInputSwitch,
                                            onContext: Bool = false) -> [Double] {
        var out: [Double] = []
        for b0 in batches {
            let b = onContext ? b0.contextAsTarget : b0
            let tape = Tape(recording: false)
            let ll = model.predict(tape, b, fixedInputs: sw).logLikelihood(tape, b.yt).scalars
            for t in 0..<b.taskCount {
                let idx = realTargetIndices(b, task: t)
                out.append(idx.reduce(0.0) { $0 + Double(ll[$1]) } / Double(idx.count))
            }
        }
        return out
    }

    public static func meanLogLikelihood(_ model: NeuralProcess, _ batches: [TaskBatch], _ sw: FixedInputSwitch) -> Double {
        Estimate(perTaskLogLikelihood(model, batches, sw)).mean
    }

    /// The equivariance deviation Δ_equiv = E[‖(μ_equiv − μ_AE) / μ_equiv‖_p] (Docs/paper-spec.md §8.3, A18): per task
    /// the mean over targets of |Δμ / μ_equiv| (p = 1) or their root mean square (p = 2), then the mean over
    /// tasks. Also the ratio of norms ‖Δμ‖_p / ‖μ_equiv‖_p and the number of targets with |μ_equiv| < 1e-3,
    /// where the elementwise ratio is unstable.
    public struct Deviation: Codable, Sendable, Equatable {
        public var elementwise: Estimate
        public var normRatio: Estimate
        public var nearZeroTargets: Int
        public var targets: Int
    }

    public static func equivarianceDeviation(_ model: NeuralProcess, _ batches: [TaskBatch], p: Int = 1) -> Deviation {
        var elementwise: [Double] = [], ratios: [Double] = []
        var nearZero = 0, targets = 0
        for b in batches {
            let ae = model.predict(Tape(recording: false), b, fixedInputs: .on).mean.scalars
            let eq = model.predict(Tape(recording: false), b, fixedInputs: .off).mean.scalars
            for t in 0..<b.taskCount {
                let idx = realTargetIndices(b, task: t)
                var e = 0.0, num = 0.0, den = 0.0, per = 0
                for i in idx {
                    let (a, q) = (Double(ae[i]), Double(eq[i]))
                    if abs(q) < 1e-3 { nearZero += 1 }
                    num += p == 1 ? abs(q - a) : (q - a) * (q - a)
                    den += p == 1 ? abs(q) : q * q
                    // The elementwise ratio is undefined where μ_equiv is exactly 0 (it happens for smoke, whose
                    // fields are mostly exactly zero): such targets are left out of it (and counted as near zero).
                    guard q != 0 else { continue }
                    let r = abs((q - a) / q)
                    e += p == 1 ? r : r * r
                    per += 1
                }
                targets += idx.count
                if per > 0 { elementwise.append(p == 1 ? e / Double(per) : (e / Double(per)).squareRoot()) }
                if den > 0 { ratios.append(p == 1 ? num / den : (num / den).squareRoot()) }
            }
        }
        return Deviation(elementwise: Estimate(elementwise), normRatio: Estimate(ratios), nearZeroTargets: nearZero, targets: targets)
    }
}

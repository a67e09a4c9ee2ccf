import Foundation
import NPTensor

/// One 1-D task from the Gibbs-kernel GP, in Double, with the orientation it was drawn with.
public struct GPTask: Sendable {
    public var xc: [Double], yc: [Double], xt: [Double], yt: [Double]
    public var orientation: Bool
    public var centre: Double
}

/// The data of the paper's 1-D experiment (Docs/paper-spec.md §7.1): a GP with a Gibbs kernel whose lengthscale jumps
/// at x = 0, random orientation per task; the context interval has length 4 and a random centre; targets lie
/// on the interval of length 6 with the same centre (Docs/paper-spec.md A22); observation noise standard deviation 0.2.
public struct GibbsGPConfig: Codable, Sendable, Equatable {
    public var kernel: GibbsKernel = .paper
    public var noiseStd: Double = 0.2
    /// Centres in distribution: U[−7, 7]; out of distribution: U[13, 27].
    public var centreRange: ClosedRange<Double> = -7...7
    public var contextHalfWidth: Double = 2
    public var targetHalfWidth: Double = 3
    public var contextCount: ClosedRange<Int> = 1...64
    public var targetCount: Int = 128
    /// Added to the covariance diagonal besides the noise variance, for the Cholesky factorisation.
    public var jitter: Double = 1e-9

    public init(kernel: GibbsKernel = .paper) { self.kernel = kernel }

    public static func inDistribution(kernel: GibbsKernel = .paper) -> GibbsGPConfig { GibbsGPConfig(kernel: kernel) }
    public static func outOfDistribution(kernel: GibbsKernel = .paper) -> GibbsGPConfig {
        var c = GibbsGPConfig(kernel: kernel); c.centreRange = 13...27; return c
    }
}

public struct GibbsGPSampler: Sendable {
    public let config: GibbsGPConfig
    public init(_ config: GibbsGPConfig) { self.config = config }

    /// Draws one task with `nc` context points.
    public func sampleTask(contextCount nc: Int, using rng: inout RandomGenerator) -> GPTask {
        let beta = rng.bernoulli(0.5)
        let c = rng.uniform(config.centreRange.lowerBound, config.centreRange.upperBound)
        let xc = (0..<nc).map { _ in rng.uniform(c - config.contextHalfWidth, c + config.contextHalfWidth) }
        let xt = (0..<config.targetCount).map { _ in rng.uniform(c - config.targetHalfWidth, c + config.targetHalfWidth) }
        let x = xc + xt
        let n = x.count
        var k = config.kernel.matrix(x, x, orientation: beta)
        for i in 0..<n { k[i * n + i] += config.noiseStd * config.noiseStd + config.jitter }
        // y ~ N(0, K + σ²I): the GP draw plus independent noise, sampled jointly.
        let l: [Double]
        do { l = try SPD.cholesky(k, n: n) } catch { fatalError("Gibbs covariance not positive definite: \(error)") }
        let z = (0..<n).map { _ in rng.normal() }
        var y = [Double](repeating: 0, count: n)
        for i in 0..<n { var s = 0.0; for j in 0...i { s += l[i * n + j] * z[j] }; y[i] = s }
        return GPTask(xc: xc, yc: Array(y[..<nc]), xt: xt, yt: Array(y[nc...]), orientation: beta, centre: c)
    }

    /// A batch of `tasks` tasks sharing one context count drawn from the configured range (as the authors'
    /// generator does), as Float tensors `[m, n, 1]`.
    public func sampleBatch(tasks m: Int, using rng: inout RandomGenerator) -> (batch: TaskBatch, tasks: [GPTask]) {
        let nc = rng.integer(in: config.contextCount)
        let tasks = (0..<m).map { _ in sampleTask(contextCount: nc, using: &rng) }
        return (GibbsGPSampler.batch(tasks), tasks)
    }

    /// Stacks equally sized tasks into a `TaskBatch`.
    public static func batch(_ tasks: [GPTask]) -> TaskBatch {
        let m = tasks.count, nc = tasks[0].xc.count, nt = tasks[0].xt.count
        require(tasks.allSatisfy { $0.xc.count == nc && $0.xt.count == nt }, "tasks of one batch must have equal sizes")
        func t(_ f: (GPTask) -> [Double], _ n: Int) -> Tensor { Tensor(shape: [m, n, 1], scalars: tasks.flatMap { f($0).map { Float($0) } }) }
        return TaskBatch(xc: t(\.xc, nc), yc: t(\.yc, nc), xt: t(\.xt, nt), yt: t(\.yt, nt))
    }
}

/// The exact predictive of the data-generating process: for each orientation β the GP posterior, mixed with
/// the posterior probabilities p(β | D_c) ∝ ½ N(y_c; 0, K_β + σ²I) (Docs/paper-spec.md §7.1; the authors' code left the
/// weights out). Per target: p(y | x, D_c) = Σ_β p(β | D_c) N(y; m_β(x), s²_β(x) + σ²).
public struct GibbsGroundTruth: Sendable {
    public let kernel: GibbsKernel
    public let noiseStd: Double
    public init(kernel: GibbsKernel, noiseStd: Double = 0.2) { self.kernel = kernel; self.noiseStd = noiseStd }

    public struct Predictive: Sendable {
        /// Posterior probability of β = true (short lengthscale on the left).
        public var weightTrue: Double
        /// Per orientation (index 0: β = false, 1: β = true): predictive means and variances (noise included).
        public var means: [[Double]]
        public var variances: [[Double]]

        /// Mixture mean and standard deviation per target (for figure bands).
        public var mixtureMean: [Double] { means[0].indices.map { (1 - weightTrue) * means[0][$0] + weightTrue * means[1][$0] } }
        public var mixtureStd: [Double] {
            means[0].indices.map { i in
                let w = [1 - weightTrue, weightTrue]
                let m = w[0] * means[0][i] + w[1] * means[1][i]
                let second = (0..<2).reduce(0.0) { $0 + w[$1] * (variances[$1][i] + means[$1][i] * means[$1][i]) }
                return max(second - m * m, 0).squareRoot()
            }
        }

        /// log p(y_i | x_i, D_c) for each target.
        public func logDensities(_ y: [Double]) -> [Double] {
            y.indices.map { i in
                let logs = (0..<2).map { b -> Double in
                    let w = b == 1 ? weightTrue : 1 - weightTrue
                    guard w > 0 else { return -.infinity }
                    let v = variances[b][i], r = y[i] - means[b][i]
                    return Foundation.log(w) - 0.5 * Foundation.log(2 * .pi * v) - r * r / (2 * v)
                }
                let mx = logs.max()!
                return mx + Foundation.log(logs.reduce(0) { $0 + Foundation.exp($1 - mx) })
            }
        }
    }

    public func predict(xc: [Double], yc: [Double], xt: [Double]) -> Predictive {
        let nc = xc.count
        let s2 = noiseStd * noiseStd
        var logEvidence = [Double](repeating: 0, count: 2)
        var means = [[Double]](), variances = [[Double]]()
        for (b, beta) in [false, true].enumerated() {
            var k = kernel.matrix(xc, xc, orientation: beta)
            for i in 0..<nc { k[i * nc + i] += s2 + 1e-9 }
            let l = try! SPD.cholesky(k, n: nc)
            logEvidence[b] = SPD.gaussianLogDensity(yc, cholesky: l, n: nc)
            let alpha = SPD.solveUpperTransposed(l, n: nc, SPD.solveLower(l, n: nc, yc))
            let kst = kernel.matrix(xt, xc, orientation: beta)   // [nt × nc]
            var m = [Double](repeating: 0, count: xt.count), v = m
            for j in xt.indices {
                let row = Array(kst[(j * nc)..<((j + 1) * nc)])
                m[j] = zip(row, alpha).reduce(0) { $0 + $1.0 * $1.1 }
                let w = SPD.solveLower(l, n: nc, row)
                v[j] = max(kernel(xt[j], xt[j], orientation: beta) - w.reduce(0) { $0 + $1 * $1 }, 0) + s2
            }
            means.append(m); variances.append(v)
        }
        // p(β = true | D_c) with the equal prior ½ cancelling.
        let d = logEvidence[1] - logEvidence[0]
        let weightTrue = d > 0 ? 1 / (1 + Foundation.exp(-d)) : Foundation.exp(d) / (1 + Foundation.exp(d))
        return Predictive(weightTrue: weightTrue, means: means, variances: variances)
    }

    /// The per-target average log-likelihood of a task's targets (or, with `onContext`, of its context set).
    public func averageLogLikelihood(_ task: GPTask, onContext: Bool = false) -> Double {
        let (x, y) = onContext ? (task.xc, task.yc) : (task.xt, task.yt)
        let lls = predict(xc: task.xc, yc: task.yc, xt: x).logDensities(y)
        return lls.reduce(0, +) / Double(lls.count)
    }
}

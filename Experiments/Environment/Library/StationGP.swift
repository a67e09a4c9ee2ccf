import Foundation
import NPData
import NPTensor
import StationData

/// The no-neural-network baseline of Table 2: a Gaussian process with a stationary squared-exponential kernel,
/// its hyperparameters fitted once by maximum marginal likelihood on training months (as the neural models are
/// trained on them), then conditioned on each test task's context set.
///
/// Covariance in units of the signal variance s²: k(x, x') = exp(−½ Σ_g |x_g − x'_g|² / ℓ_g²) + β + τ·δ(x, x'),
/// with one lengthscale per group of input dimensions (2-D: one isotropic lon/lat lengthscale; 4-D: lon/lat,
/// time, elevation), β the prior variance of a constant offset (the month's level, integrated out), τ the noise
/// ratio; s² is profiled out. The prior mean is 0 (the training mean, in standardised units).
public struct StationGP: Codable, Sendable, Equatable {
    public var groups: [[Int]]
    public var lengthscales: [Double]
    public var offsetVariance: Double
    public var noiseRatio: Double
    public var signalVariance: Double
    /// Total log marginal likelihood on the fitting months, per point.
    public var fitLogLikelihood: Double

    public static func groups(dimension: Int) -> [[Int]] { dimension == 2 ? [[0, 1]] : [[0, 1], [2], [3]] }

    /// Fits by coordinate ascent on log-spaced grids (three sweeps) over the given tasks (all their points).
    public static func fit(_ tasks: [StationTaskArrays], dimension: Int) -> StationGP {
        let groups = groups(dimension: dimension)
        let lengthscaleGrid: [[Double]] = groups.map { g in
            g == [2] ? logGrid(0.001, 2, 14) : logGrid(0.05, 4, 14)   // time is standardised over decades: months are ~0.006 apart
        }
        var gp = StationGP(groups: groups, lengthscales: groups.map { $0 == [2] ? 0.05 : 0.5 }, offsetVariance: 1, noiseRatio: 0.1,
                           signalVariance: 1, fitLogLikelihood: -.infinity)
        gp.fitLogLikelihood = gp.profiledLogLikelihood(tasks).value
        func tryValue(_ change: (inout StationGP) -> Void) {
            var candidate = gp
            change(&candidate)
            let (ll, s2) = candidate.profiledLogLikelihood(tasks)
            if ll > gp.fitLogLikelihood { candidate.fitLogLikelihood = ll; candidate.signalVariance = s2; gp = candidate }
        }
        for _ in 0..<3 {
            for (i, grid) in lengthscaleGrid.enumerated() { for v in grid { tryValue { $0.lengthscales[i] = v } } }
            for v in logGrid(0.001, 2, 12) { tryValue { $0.noiseRatio = v } }
            for v in logGrid(0.01, 10, 8) { tryValue { $0.offsetVariance = v } }
        }
        gp.signalVariance = gp.profiledLogLikelihood(tasks).signalVariance
        return gp
    }

    static func logGrid(_ lo: Double, _ hi: Double, _ n: Int) -> [Double] {
        (0..<n).map { lo * Foundation.pow(hi / lo, Double($0) / Double(n - 1)) }
    }

    /// k(a, b) / s² without the noise term.
    func correlation(_ a: ArraySlice<Float>, _ b: ArraySlice<Float>) -> Double {
        var e = 0.0
        for (g, l) in zip(groups, lengthscales) {
            var d2 = 0.0
            for d in g { let u = Double(a[a.startIndex + d] - b[b.startIndex + d]); d2 += u * u }
            e += d2 / (l * l)
        }
        return Foundation.exp(-0.5 * e) + offsetVariance
    }

    func point(_ x: [Float], _ i: Int, _ dx: Int) -> ArraySlice<Float> { x[(i * dx)..<((i + 1) * dx)] }

    /// The Cholesky factor of the context covariance / s² (with noise), row-major lower.
    func factor(_ x: [Float], count n: Int, dimension dx: Int) -> [Double] {
        var a = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0...i {
            let k = correlation(point(x, i, dx), point(x, j, dx)) + (i == j ? noiseRatio : 0)
            a[i * n + j] = k; a[j * n + i] = k
        } }
        // Jitter grows until the factorisation succeeds (near-duplicate stations with tiny noise).
        var jitter = 1e-8
        while true {
            if let l = try? SPD.cholesky(a, n: n) { return l }
            for i in 0..<n { a[i * n + i] += jitter }
            jitter *= 10
        }
    }

    /// Σ over tasks of the log marginal likelihood with s² at its maximum, per point; and that s².
    public func profiledLogLikelihood(_ tasks: [StationTaskArrays]) -> (value: Double, signalVariance: Double) {
        var quad = 0.0, logDet = 0.0, n = 0
        for t in tasks {
            let l = factor(t.inputs, count: t.count, dimension: t.dimension)
            let z = SPD.solveLower(l, n: t.count, t.targets.map(Double.init))
            quad += z.reduce(0) { $0 + $1 * $1 }
            for i in 0..<t.count { logDet += Foundation.log(l[i * t.count + i]) }
            n += t.count
        }
        let s2 = quad / Double(n)
        let ll = -0.5 * Double(n) * (1 + Foundation.log(s2) + Foundation.log(2 * Double.pi)) - logDet
        return (ll / Double(n), s2)
    }

    /// The predictive mean and variance (of a noisy observation) at each target given the context.
    public func predict(_ task: SingleTask) -> (mean: [Double], variance: [Double]) {
        let (nc, nt, dx) = (task.xc.shape[0], task.xt.shape[0], task.xc.shape[1])
        let l = factor(task.xc.scalars, count: nc, dimension: dx)
        let alpha = SPD.solveUpperTransposed(l, n: nc, SPD.solveLower(l, n: nc, task.yc.scalars.map(Double.init)))
        var mean = [Double](), variance = [Double]()
        for j in 0..<nt {
            let kstar = (0..<nc).map { correlation(point(task.xc.scalars, $0, dx), point(task.xt.scalars, j, dx)) }
            let v = SPD.solveLower(l, n: nc, kstar)
            mean.append(zip(kstar, alpha).reduce(0) { $0 + $1.0 * $1.1 })
            let prior = 1 + offsetVariance + noiseRatio
            variance.append(signalVariance * max(prior - v.reduce(0) { $0 + $1 * $1 }, 1e-9))
        }
        return (mean, variance)
    }

    /// The task's average log-likelihood over its targets (or over its context, `onContext`).
    public func averageLogLikelihood(_ task: SingleTask, onContext: Bool = false) -> Double {
        let t = onContext ? SingleTask(xc: task.xc, yc: task.yc, xt: task.xc, yt: task.yc) : task
        let (m, v) = predict(t)
        var s = 0.0
        for (i, y) in t.yt.scalars.enumerated() {
            let r = Double(y) - m[i]
            s += -0.5 * (Foundation.log(2 * Double.pi * v[i]) + r * r / v[i])
        }
        return s / Double(m.count)
    }
}

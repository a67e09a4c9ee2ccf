import Foundation

/// The best translation-equivariant predictor of the 1-D task (the "ceiling" of what fixed inputs can gain): the Bayes predictive of a
/// predictor that cannot see absolute position, so does not know that the change point sits at x = 0.
///
/// Such a predictor sees the context only up to a shift. Under the experiment's prior — interval centre
/// c ~ U[−w, w], context inputs uniform on [c − h, c + h] — the change point's offset from the context mean x̄,
/// o = 0 − x̄, is the sum of −c ~ U[−w, w] and of c − x̄, which given the context's relative positions is uniform
/// on [x_max − x̄ − h, x_min − x̄ + h]: a trapezoid. The predictive mixes, over offsets on a grid and both
/// orientations, the GP posteriors of the Gibbs kernel with its change point at x̄ + o, weighted by prior × evidence.
/// Shifting every input shifts x̄ and so the whole predictive with it: it is translation equivariant by
/// construction, and no translation-equivariant model can beat it in expectation under this prior. Its gap to
/// `GibbsGroundTruth` (which knows the change point) is the most that fixed inputs can gain.
public struct GibbsEquivariantBayes: Sendable {
    public let kernel: GibbsKernel
    public let noiseStd: Double
    /// w: the half-width of the range of interval centres (7 in distribution).
    public let centreHalfWidth: Double
    /// h: the half-width of the context interval (2).
    public let contextHalfWidth: Double
    /// Spacing of the offset grid.
    public let spacing: Double

    public init(kernel: GibbsKernel, noiseStd: Double = 0.2, centreHalfWidth: Double = 7, contextHalfWidth: Double = 2, spacing: Double = 0.05) {
        self.kernel = kernel; self.noiseStd = noiseStd; self.centreHalfWidth = centreHalfWidth
        self.contextHalfWidth = contextHalfWidth; self.spacing = spacing
    }

    /// A mixture of Gaussian predictives per target.
    public struct Predictive: Sendable {
        public var weights: [Double]
        /// Per component: means and variances (noise included) at the targets.
        public var means: [[Double]]
        public var variances: [[Double]]

        public var mixtureMean: [Double] {
            means[0].indices.map { i in zip(weights, means).reduce(0) { $0 + $1.0 * $1.1[i] } }
        }
        public var mixtureStd: [Double] {
            means[0].indices.map { i in
                let m = zip(weights, means).reduce(0) { $0 + $1.0 * $1.1[i] }
                let second = weights.indices.reduce(0.0) { $0 + weights[$1] * (variances[$1][i] + means[$1][i] * means[$1][i]) }
                return max(second - m * m, 0).squareRoot()
            }
        }
        public func logDensities(_ y: [Double]) -> [Double] {
            y.indices.map { i in
                let logs = weights.indices.map { k -> Double in
                    let v = variances[k][i], r = y[i] - means[k][i]
                    return Foundation.log(weights[k]) - 0.5 * Foundation.log(2 * .pi * v) - r * r / (2 * v)
                }
                let mx = logs.max()!
                return mx + Foundation.log(logs.reduce(0) { $0 + Foundation.exp($1 - mx) })
            }
        }
    }

    /// The prior density (unnormalised) of the change point's offset `o` from the context mean: the convolution
    /// of U[−w, w] with U[a, b].
    func offsetPrior(_ o: Double, a: Double, b: Double) -> Double {
        // Length of {c' ∈ [a, b] : o − c' ∈ [−w, w]} = overlap of [a, b] and [o − w, o + w].
        max(0, min(b, o + centreHalfWidth) - max(a, o - centreHalfWidth))
    }

    /// Components with a posterior weight below `1e-8` of the largest are dropped before the targets are predicted.
    public func predict(xc: [Double], yc: [Double], xt: [Double]) -> Predictive {
        let nc = xc.count
        let mean = xc.reduce(0, +) / Double(nc)
        let a = xc.max()! - mean - contextHalfWidth, b = xc.min()! - mean + contextHalfWidth
        let lo = (a - centreHalfWidth), hi = (b + centreHalfWidth)
        let count = Int(((hi - lo) / spacing).rounded(.up)) + 1
        let s2 = noiseStd * noiseStd
        // Offsets at the midpoints of `count` cells covering [lo, hi], each with its prior mass (midpoint rule).
        let step = (hi - lo) / Double(count)
        var hypotheses: [(shift: Double, beta: Bool, logWeight: Double, cholesky: [Double])] = []
        for k in 0..<count {
            let o = lo + (Double(k) + 0.5) * step
            let prior = offsetPrior(o, a: a, b: b)
            guard prior > 0 else { continue }
            let s = mean + o
            for beta in [false, true] {
                let shifted = xc.map { $0 - s }
                var g = kernel.matrix(shifted, shifted, orientation: beta)
                for i in 0..<nc { g[i * nc + i] += s2 + 1e-9 }
                let l = try! SPD.cholesky(g, n: nc)
                hypotheses.append((s, beta, Foundation.log(prior) + SPD.gaussianLogDensity(yc, cholesky: l, n: nc), l))
            }
        }
        let mx = hypotheses.map(\.logWeight).max()!
        let kept = hypotheses.filter { $0.logWeight - mx > Foundation.log(1e-8) }
        let total = kept.reduce(0.0) { $0 + Foundation.exp($1.logWeight - mx) }
        var weights: [Double] = [], means: [[Double]] = [], variances: [[Double]] = []
        for h in kept {
            let sc = xc.map { $0 - h.shift }, st = xt.map { $0 - h.shift }
            let alpha = SPD.solveUpperTransposed(h.cholesky, n: nc, SPD.solveLower(h.cholesky, n: nc, yc))
            let kst = kernel.matrix(st, sc, orientation: h.beta)
            var m = [Double](repeating: 0, count: xt.count), v = m
            for j in xt.indices {
                let row = Array(kst[(j * nc)..<((j + 1) * nc)])
                m[j] = zip(row, alpha).reduce(0) { $0 + $1.0 * $1.1 }
                let w = SPD.solveLower(h.cholesky, n: nc, row)
                v[j] = max(kernel(st[j], st[j], orientation: h.beta) - w.reduce(0) { $0 + $1 * $1 }, 0) + s2
            }
            weights.append(Foundation.exp(h.logWeight - mx) / total); means.append(m); variances.append(v)
        }
        return Predictive(weights: weights, means: means, variances: variances)
    }

    /// The per-target average log-likelihood of a task's targets (or, with `onContext`, of its context set).
    public func averageLogLikelihood(_ task: GPTask, onContext: Bool = false) -> Double {
        let (x, y) = onContext ? (task.xc, task.yc) : (task.xt, task.yt)
        let lls = predict(xc: task.xc, yc: task.yc, xt: x).logDensities(y)
        return lls.reduce(0, +) / Double(lls.count)
    }
}

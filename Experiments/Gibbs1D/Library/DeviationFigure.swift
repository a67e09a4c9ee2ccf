import AtomicFile
import ExperimentKit
import Foundation
import NPAutodiff
import NPData
import NPModels
import NPPlot
import NPReport
import NPTensor
import NPTraining

extension Gibbs1DExperiment {
    /// Bins of absolute position for the deviation curves: [−10, 10] in steps of 0.25.
    static let deviationBins = (lower: -10.0, upper: 10.0, width: 0.25)

    /// Mean |a − b| per bin of x over the in-distribution test targets; NaN for empty bins.
    func binnedMean(_ pairs: [(x: Double, d: Double)]) -> (centres: [Double], means: [Double]) {
        let b = Self.deviationBins
        let n = Int(((b.upper - b.lower) / b.width).rounded())
        var sum = [Double](repeating: 0, count: n), count = sum
        for (x, d) in pairs {
            let k = Int(((x - b.lower) / b.width).rounded(.down))
            guard k >= 0, k < n else { continue }
            sum[k] += d; count[k] += 1
        }
        return ((0..<n).map { b.lower + (Double($0) + 0.5) * b.width }, zip(sum, count).map { $1 > 0 ? $0 / $1 : .nan })
    }

    /// Per in-distribution test target: its x and |μ − μ_equiv| of `kind` (fixed inputs on vs zeroed).
    func modelDeviations(_ kind: ModelKind) throws -> [(x: Double, d: Double)] {
        let model = try trainedModel(runConfig(kind))
        var out: [(Double, Double)] = []
        for b in testSet(.inDistribution) {
            let on = model.predict(Tape(recording: false), b, fixedInputs: .on).mean.scalars
            let off = model.predict(Tape(recording: false), b, fixedInputs: .off).mean.scalars
            for i in on.indices { out.append((Double(b.xt.scalars[i]), Double(abs(on[i] - off[i])))) }
        }
        return out
    }

    /// Per in-distribution test target: |exact mean − best equivariant mean|, the deviation a perfect model would show.
    func bayesDeviations() -> [(x: Double, d: Double)] {
        let tasks = testTasks(.inDistribution).1
        let exact = GibbsGroundTruth(kernel: kernel), best = GibbsEquivariantBayes(kernel: kernel)
        var per = [[Double]](repeating: [], count: tasks.count)
        per.withUnsafeMutableBufferPointer { buffer in
            parallelFor(tasks.count) { i in
                let t = tasks[i]
                let a = exact.predict(xc: t.xc, yc: t.yc, xt: t.xt).mixtureMean, b = best.predict(xc: t.xc, yc: t.yc, xt: t.xt).mixtureMean
                buffer[i] = zip(a, b).map { abs($0 - $1) }
            }
        }
        return zip(tasks, per).flatMap { t, d in zip(t.xt, d).map { ($0, $1) } }
    }

    /// The Bayes curve of the deviation figure, cached beside the ground truth (the exact and best equivariant
    /// predictors on every test target take minutes; the figure is redrawn from the cache).
    struct BayesDeviationCurve: Codable {
        var kernel: GibbsKernel
        var testTasks: Int
        var centres: [Double]
        /// nil: an empty bin.
        var means: [Double?]
    }

    var bayesDeviationURL: URL { store.base.appendingPathComponent("deviation-bayes-\(scale.testTasks).json") }

    func bayesDeviationCurve() throws -> (centres: [Double], means: [Double]) {
        if let c = try? readJSON(BayesDeviationCurve.self, from: bayesDeviationURL), c.kernel == kernel, c.testTasks == scale.testTasks {
            return (c.centres, c.means.map { $0 ?? .nan })
        }
        let curve = binnedMean(bayesDeviations())
        try writeJSON(BayesDeviationCurve(kernel: kernel, testTasks: scale.testTasks, centres: curve.centres,
                                          means: curve.means.map { $0.isFinite ? $0 : nil }), to: bayesDeviationURL)
        return curve
    }

    /// The equivariance-deviation figure (beyond the paper): mean |μ − μ_equiv| against absolute position
    /// for each approximately equivariant model, beside the exact predictor's deviation from the best equivariant one.
    @discardableResult
    public func deviationFigure() throws -> URL {
        let started = Date()
        let kinds: [ModelKind] = [.tnpTApprox, .convCNPTApprox, .relaxedConvCNP, .equivCNPEApprox]
        say("equivariance deviation by position: 4 models and the Bayes predictors on \(scale.testTasks) test tasks")
        let bayes = try bayesDeviationCurve()
        let fig = Figure(rows: 1, columns: 2, width: Style.fullWidth, height: 2.6, sharedX: true)
        fig.figureLegend = true
        let left = fig[0, 0], right = fig[0, 1]
        left.title = "models: |μ − μ_equiv|"
        right.title = "Bayes: |exact − best equivariant|"
        for (i, kind) in kinds.enumerated() {
            let curve = binnedMean(try modelDeviations(kind))
            let keep = curve.means.indices.filter { curve.means[$0].isFinite }
            try left.line(x: keep.map { curve.centres[$0] }, y: keep.map { curve.means[$0] }, color: Style.cycle[i % Style.cycle.count], label: kind.displayName)
        }
        let keep = bayes.means.indices.filter { bayes.means[$0].isFinite }
        try right.line(x: keep.map { bayes.centres[$0] }, y: keep.map { bayes.means[$0] }, color: Style.groundTruth, label: "exact − best equivariant")
        for ax in [left, right] {
            ax.xLabel = "x (absolute position)"
            try ax.verticalLine(at: 0, color: Color(0, 0, 0, 0.6), width: 0.7, style: .dashed)
            try ax.verticalLine(at: -7); try ax.verticalLine(at: 7)
            ax.xLimits = Self.deviationBins.lower...Self.deviationBins.upper
        }
        left.yLabel = "mean absolute difference of means"
        let name = "deviation-gibbs1d"
        try fig.write(to: figuresDirectory, name: name)
        let caption = """
            Equivariance deviation by position (beyond the paper). Left: for each approximately equivariant model, the mean \
            over the \(scale.testTasks) in-distribution test tasks' targets in bins of width \(Self.deviationBins.width) of \
            |μ − μ_equiv|, the change of the predictive mean when the fixed inputs are zeroed (the RelaxedConvCNP: its relaxed \
            weights set to their equivariant part). Right: the same for the exact predictor against the best translation-\
            equivariant predictor — where, and by how much, a model that knows where x = 0 is should depart from its \
            equivariant component. Dashed: the change point x = 0; dotted: the box (−7, 7) outside which the fixed inputs \
            are zeroed. Kernel \(kernel.rawValue); scale '\(scale.name)'.
            """
        return try writeFigureSidecars(name: name, caption: caption, item: "1-D: equivariance deviation by position (beyond the paper)", runs: kinds.map { runConfig($0) }, started: started)
    }
}

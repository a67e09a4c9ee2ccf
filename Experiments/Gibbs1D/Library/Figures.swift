import ExperimentKit
import AtomicFile
import Foundation
import NPAutodiff
import NPData
import NPModels
import NPNN
import NPPlot
import NPTensor

extension Gibbs1DExperiment {
    /// The single task a figure shows: where its context lies relative to the change point at 0.
    public enum FigureTask: Int, CaseIterable, Sendable {
        /// Figure 1: the context straddles the change point.
        case straddling = 1
        /// Figure 3: the context only in the short-lengthscale region.
        case shortLengthscale = 3
        /// Figure 4: the context only in the long-lengthscale region.
        case longLengthscale = 4

        /// Context-interval centre; the orientation is fixed to β = true (short lengthscale left of 0).
        /// Figures 3 and 4: the context interval (half-width 2) ends 0.05 left of the change point, or starts 0.05 right
        /// of it, with 64 points, so that a model that knows where x = 0 is can show it just beyond the context.
        var centre: Double { switch self { case .straddling: return 0.3; case .shortLengthscale: return -2.05; case .longLengthscale: return 2.05 } }
        var contextCount: Int { self == .straddling ? 24 : 64 }
        var caption: String {
            switch self {
            case .straddling:
                return "A comparison between the predictive distributions on a single synthetic 1-D regression dataset of the TNP-, ConvCNP-, and EquivCNP-based models. For the approximately equivariant models, we plot both the model's predictive distribution (blue), as well as the predictive distributions obtained without using the fixed inputs (red). The dotted black lines indicate the target range."
            case .shortLengthscale:
                return "As Figure 1, but the context range only spans the low-lengthscale region (64 points on [−4.05, −0.05], ending just left of the change point). For the approximately equivariant models, we plot both the model prediction (blue) and the prediction without the fixed inputs, a strictly equivariant model (red)."
            case .longLengthscale:
                return "As Figure 1, but the context range only spans the high-lengthscale region (64 points on [0.05, 4.05], starting just right of the change point)."
            }
        }
    }

    func figureTask(_ f: FigureTask) -> GPTask {
        var rng = RandomGenerator(seed: 20_240_613, stream: 100 + UInt64(f.rawValue))
        var config = GibbsGPConfig.inDistribution(kernel: kernel)
        config.centreRange = f.centre...f.centre
        // Resample until the orientation is the one the figure is about (β = true).
        while true {
            let t = GibbsGPSampler(config).sampleTask(contextCount: f.contextCount, using: &rng)
            if t.orientation { return t }
        }
    }

    /// Figures 1, 3 and 4: one panel per model on the same task.
    @discardableResult
    public func figure(_ f: FigureTask) throws -> URL {
        let started = Date()
        let task = figureTask(f)
        let lo = task.centre - 4.5, hi = task.centre + 4.5
        let xs = (0..<300).map { lo + (hi - lo) * Double($0) / 299 }
        let truth = GibbsGroundTruth(kernel: kernel).predict(xc: task.xc, yc: task.yc, xt: xs)
        let tm = truth.mixtureMean, ts = truth.mixtureStd
        let best = GibbsEquivariantBayes(kernel: kernel).predict(xc: task.xc, yc: task.yc, xt: xs)
        let bm = best.mixtureMean, bs = best.mixtureStd
        let fig = Figure(rows: 2, columns: 4, width: Style.fullWidth, height: 3.0, sharedX: false, sharedY: true)
        fig.figureLegend = true
        let xc = Tensor(shape: [1, task.xc.count, 1], scalars: task.xc.map { Float($0) })
        let yc = Tensor(shape: [1, task.yc.count, 1], scalars: task.yc.map { Float($0) })
        let xt = Tensor(shape: [1, xs.count, 1], scalars: xs.map { Float($0) })
        let order: [ModelKind] = [.tnp, .tnpT, .tnpTApprox, .convCNPT, .convCNPTApprox, .relaxedConvCNP, .equivCNPE, .equivCNPEApprox]
        let yLimits = (min(tm.min()! - 2.5 * ts.max()!, -2.5))...(max(tm.max()! + 2.5 * ts.max()!, 2.5))
        for (i, kind) in order.enumerated() {
            let ax = fig[i / 4, i % 4]
            ax.title = kind.displayName
            ax.xLimits = lo...hi
            ax.yLimits = yLimits
            if i / 4 == 1 { ax.xLabel = "x" }
            if i % 4 == 0 { ax.yLabel = "y" }
            let model = try trainedModel(runConfig(kind))
            let p = model.predict(Tape(recording: false), xc: xc, yc: yc, xt: xt, fixedInputs: .on)
            let m = p.mean.scalars.map(Double.init), s = p.standardDeviation.map(Double.init)
            try ax.band(x: xs, lower: zip(m, s).map { $0 - 2 * $1 }, upper: zip(m, s).map { $0 + 2 * $1 },
                        color: Style.approximatelyEquivariant, label: "model ± 2σ")
            try ax.line(x: xs, y: m, color: Style.approximatelyEquivariant, label: "model mean")
            // The equivariant component as lines only, so that the two uncertainty regions never blend.
            if kind.isApproximatelyEquivariant {
                let q = model.predict(Tape(recording: false), xc: xc, yc: yc, xt: xt, fixedInputs: .off)
                let em = q.mean.scalars.map(Double.init), es = q.standardDeviation.map(Double.init)
                try ax.line(x: xs, y: em, color: Style.equivariantComponent, label: "equivariant component (t = 0) mean")
                try ax.line(x: xs, y: zip(em, es).map { $0 - 2 * $1 }, color: Style.equivariantComponent, width: 0.6, style: .dashed,
                            label: "equivariant component ± 2σ")
                try ax.line(x: xs, y: zip(em, es).map { $0 + 2 * $1 }, color: Style.equivariantComponent, width: 0.6, style: .dashed)
            }
            let grey = Color(0.45, 0.45, 0.45, 1)
            try ax.line(x: xs, y: tm, color: Style.groundTruth, width: 0.8, style: .dashed, label: "ground truth mean")
            try ax.line(x: xs, y: zip(tm, ts).map { $0 - 2 * $1 }, color: Style.groundTruth, width: 0.6, style: .dotted, label: "ground truth ± 2σ")
            try ax.line(x: xs, y: zip(tm, ts).map { $0 + 2 * $1 }, color: Style.groundTruth, width: 0.6, style: .dotted)
            try ax.line(x: xs, y: bm, color: grey, width: 0.8, style: .dashed, label: "best equivariant mean")
            try ax.line(x: xs, y: zip(bm, bs).map { $0 - 2 * $1 }, color: grey, width: 0.6, style: .dotted, label: "best equivariant ± 2σ")
            try ax.line(x: xs, y: zip(bm, bs).map { $0 + 2 * $1 }, color: grey, width: 0.6, style: .dotted)
            try ax.scatter(x: task.xc, y: task.yc, color: Style.context, size: 2.2, label: "context")
            // The target range (thin solid, light) and the change point (dashed, darker).
            let rangeColour = Color(0.55, 0.55, 0.55, 0.7)
            try ax.verticalLine(at: task.centre - 3, color: rangeColour, width: 0.5, style: .solid)
            try ax.verticalLine(at: task.centre + 3, color: rangeColour, width: 0.5, style: .solid)
            try ax.verticalLine(at: 0, color: Color(0, 0, 0, 0.5), width: 0.6, style: .dashed)
        }
        let name = "figure\(f.rawValue)-gibbs1d"
        try fig.write(to: figuresDirectory, name: name)
        let caption = f.caption + " Blue: the model's mean and ±2σ band; red (approximately equivariant models): its equivariant component, the same weights with the fixed inputs zeroed, mean (solid) and ±2σ (dashed), drawn as lines so the two regions stay distinct. Black dashed and dotted: ground-truth mean and ±2σ; grey dashed and dotted: the best translation-equivariant predictor (Bayes, change point unknown), which is what a perfectly trained equivariant model would predict — the gap between the two is what fixed inputs can add. Vertical lines: the change point x = 0 (dashed) and the edges of the target range (thin, light). Reproduction at scale '\(scale.name)' (\(scale.steps) training steps, \(scale.teSteps) for the TE-TNPs)."
        return try writeFigureSidecars(name: name, caption: caption, item: "Figure \(f.rawValue)", runs: order.map { runConfig($0) }, started: started)
    }
}

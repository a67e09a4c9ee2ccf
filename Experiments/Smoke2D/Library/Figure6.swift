import AtomicFile
import ExperimentKit
import Foundation
import NPAutodiff
import NPModels
import NPPlot
import NPTensor

extension SmokeExperiment {
    /// The predictive means of `model` at every pixel of `patch` given its context, in patch pixel order.
    func patchMeans(_ model: NeuralProcess, _ sampler: PatchTaskSampler, _ patches: [SmokePatch], _ sw: FixedInputSwitch) -> [[Double]] {
        let all = Array(0..<(sampler.side * sampler.side))
        var out: [[Double]] = []
        // Batches of up to 16 patches of one context size (test batches share N_c).
        var i = 0
        while i < patches.count {
            var j = i + 1
            while j < patches.count, j - i < 16, patches[j].context.count == patches[i].context.count { j += 1 }
            let group = patches[i..<j].map { p -> SmokePatch in var q = p; q.targets = all; return q }
            let p = model.predict(Tape(recording: false), sampler.batch(group), fixedInputs: sw)
            let means = p.mean.scalars, n = all.count
            for k in 0..<group.count { out.append((0..<n).map { Double(means[k * n + $0]) }) }
            i = j
        }
        return out
    }

    /// The two test patches of Figure 6: the one touching the obstacle and the one at a side inflow (x₀ = 30 or
    /// 110) with the most smoke variation, among test tasks with at least 60 context pixels.
    func figure6Patches() throws -> [(title: (short: String, long: String), patch: SmokePatch)] {
        let (patches, regions) = (try testSet().patches, try testRegions())
        let test = try states(.test)
        let sampler = PatchTaskSampler(states: test)
        func variation(_ p: SmokePatch) -> Double {
            let v = sampler.points(p, Array(0..<(32 * 32))).y.scalars.map(Double.init)
            let m = v.reduce(0, +) / Double(v.count)
            return v.reduce(0) { $0 + ($1 - m) * ($1 - m) }
        }
        // Each candidate's variation once, not once per comparison.
        let variations = patches.map { $0.context.count >= 60 ? variation($0) : -1 }
        func best(_ keep: (Int) -> Bool) -> SmokePatch? {
            patches.indices.filter { keep($0) && variations[$0] >= 0 }.max { variations[$0] < variations[$1] }.map { patches[$0] }
        }
        func describe(_ what: String, _ p: SmokePatch) -> String {
            "\(what): rows \(p.row)–\(p.row + 31), columns \(p.column)–\(p.column + 31) of \(test.names[p.state])"
                + (test.parameters[p.state].map { String(format: " (inflow x₀ %.0f, r %.1f, B %.2f)", $0.inflowX, $0.radius, $0.buoyancy) } ?? "")
        }
        var out: [((String, String), SmokePatch)] = []
        if let p = best({ regions[$0] == .obstacle }) { out.append((("obstacle", describe("touching the obstacle", p)), p)) }
        if let p = best({ regions[$0] == .inflow && test.parameters[patches[$0].state].map { $0.inflowX != 64 } ?? false }) {
            out.append((("side inflow", describe("at a side inflow", p)), p))
        }
        if out.isEmpty, let p = best({ _ in true }) { out.append((("patch", describe("a test patch", p)), p)) }
        return out
    }

    /// Figure 6: for each chosen patch, the ground truth (with the context), then every model's predictive mean
    /// (row 1) and its absolute error (row 2), each approximately equivariant model followed by its equivariant
    /// component (fixed inputs zeroed).
    @discardableResult
    public func figure6() throws -> URL {
        let started = Date()
        let chosen = try figure6Patches()
        let test = try states(.test)
        let sampler = PatchTaskSampler(states: test)
        var columns: [(title: String, kind: ModelKind, sw: FixedInputSwitch)] = []
        for k in Self.models {
            columns.append((k.displayName, k, .on))
            if Self.approximatelyEquivariant.contains(k) { columns.append(("(fixed inp. off)", k, .off)) }
        }
        let models = try Dictionary(uniqueKeysWithValues: Self.models.map { ($0, try trainedModel(runConfig($0))) })
        let side = sampler.side, n = side * side
        let fig = Figure(rows: 2 * chosen.count, columns: columns.count + 1, width: 1.0 * Double(columns.count + 1), height: 1.05 * Double(2 * chosen.count) + 0.3)
        for (b, (title, patch)) in chosen.enumerated() {
            let truth = sampler.points(patch, Array(0..<n)).y.scalars.map(Double.init)
            // Context pixels are blank in the model panels: the models are trained to predict the other pixels only.
            let isContext = Set(patch.context)
            let means = columns.map { c in
                patchMeans(models[c.kind]!, sampler, [patch], c.sw)[0].enumerated().map { isContext.contains($0.offset) ? Double.nan : $0.element }
            }
            let errors = means.map { zip($0, truth).map { abs($0 - $1) } }
            let targetCount = Double(n - isContext.count)
            let meanRange = 0...max(truth.max()!, 1e-3)
            let errorRange = 0...max(errors.flatMap { $0 }.filter(\.isFinite).max()!, 1e-3)
            var observed = [Double](repeating: .nan, count: n)
            for p in patch.context { observed[p] = truth[p] }
            func panel(_ r: Int, _ c: Int, _ values: [Double], _ range: ClosedRange<Double>, _ t: String?) throws {
                let ax = fig[2 * b + r, c]
                try ax.heatmap(values, rows: side, columns: side, xExtent: 0...Double(side), yExtent: 0...Double(side), colormap: .viridis,
                               range: range, showColorbar: false)
                ax.equalAspect = true; ax.grid = false; ax.hideXTickLabels = true; ax.hideYTickLabels = true
                ax.xLimits = 0...Double(side); ax.yLimits = 0...Double(side)
                ax.title = t
            }
            try panel(0, 0, truth, meanRange, "ground truth")
            try panel(1, 0, observed, meanRange, "context (\(patch.context.count))")
            fig[2 * b, 0].yLabel = String(format: "%@: mean, 0–%.2f", title.short, meanRange.upperBound)
            fig[2 * b + 1, 0].yLabel = String(format: "|error|, 0–%.2f", errorRange.upperBound)
            for (c, col) in columns.enumerated() {
                try panel(0, c + 1, means[c], meanRange, b == 0 ? col.title : nil)
                try panel(1, c + 1, errors[c], errorRange, String(format: "%.3f", errors[c].filter(\.isFinite).reduce(0, +) / targetCount))
            }
        }
        let name = "figure6-smoke"
        let dir = figuresDirectory
        try fig.write(to: dir, name: name)
        let caption = """
            Figure 6 (reproduction). A comparison between the predictive distributions of the equivariant and approximately \
            equivariant versions of the three classes of models: PT-TNP, ConvCNP and EquivCNP, on \(chosen.count) test patch(es) \
            (\(chosen.map(\.title.long).joined(separator: "; "))). From left to right: the ground truth (below it, the context pixels), \
            the non-equivariant PT-TNP, PT-TNP (T), PT-TNP (T̃), ConvCNP (T), ConvCNP (T̃), RelaxedConvCNP (T̃), EquivCNP (E) and \
            EquivCNP (Ẽ); each approximately equivariant model is followed by its equivariant component (same weights, fixed \
            inputs zeroed, titled "(fixed inp. off)"). Upper row of each patch: the predictive mean of smoke density / 21; lower row: |mean − ground truth|, \
            with its average over the patch's target pixels as the panel title; the context pixels are blank in the model \
            panels (the models are trained to predict only the pixels outside the context). Colour scales (viridis, dark to yellow) are shared within each row of a \
            patch: means from 0 to the patch's maximum, errors from 0 to the largest error of any model (the ranges are in the \
            row labels); values beyond the range saturate. Scale '\(scale.name)'; \(scaleNote)
            """
        return try writeFigureSidecars(name: name, caption: caption, item: "Figure 6", runs: modelRuns(), started: started, in: dir)
    }
}

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

    /// Figure 6: for each chosen patch, one row per model class — PT-TNP, ConvCNP, EquivCNP — of predictive means,
    /// each approximately equivariant model followed by its equivariant component (fixed inputs zeroed); the first
    /// column holds the ground truth, the context and the patch's colour bar. At 6.5 in wide, it prints at
    /// \textwidth with its fonts at their set sizes (titles 8 pt, ticks 6.5 pt).
    @discardableResult
    public func figure6() throws -> URL {
        let started = Date()
        let chosen = try figure6Patches()
        let test = try states(.test)
        let sampler = PatchTaskSampler(states: test)
        typealias Panel = (title: String, kind: ModelKind, sw: FixedInputSwitch)
        let rows: [(label: String, panels: [Panel])] = [
            ("PT-TNP", [("plain", .ptTNP, .on), ("(T)", .ptTNPT, .on), ("(T̃)", .ptTNPTApprox, .on), ("(T̃) t=0", .ptTNPTApprox, .off)]),
            ("ConvCNP", [("(T)", .convCNPT, .on), ("(T̃)", .convCNPTApprox, .on), ("(T̃) t=0", .convCNPTApprox, .off),
                         ("Rel. (T̃)", .relaxedConvCNP, .on), ("Rel. t=0", .relaxedConvCNP, .off)]),
            ("EquivCNP", [("(E)", .equivCNPE, .on), ("(Ẽ)", .equivCNPEApprox, .on), ("(Ẽ) t=0", .equivCNPEApprox, .off)]),
        ]
        let columns = 1 + rows.map(\.panels.count).max()!
        let models = try Dictionary(uniqueKeysWithValues: Self.models.map { ($0, try trainedModel(runConfig($0))) })
        let side = sampler.side, n = side * side
        let fig = Figure(rows: rows.count * chosen.count, columns: columns, width: 6.5, height: 1.12 * Double(rows.count * chosen.count) + 0.1)
        var errorNotes: [String] = []
        for (b, (title, patch)) in chosen.enumerated() {
            let truth = sampler.points(patch, Array(0..<n)).y.scalars.map(Double.init)
            // Context pixels are blank in the model panels: the models are trained to predict the other pixels only.
            let isContext = Set(patch.context)
            let targetCount = Double(n - isContext.count)
            let meanRange = 0...max(truth.max()!, 1e-3)
            var observed = [Double](repeating: .nan, count: n)
            for p in patch.context { observed[p] = truth[p] }
            func setUp(_ ax: Axes) {
                ax.equalAspect = true; ax.grid = false; ax.hideXTickLabels = true; ax.hideYTickLabels = true
                ax.xLimits = 0...Double(side); ax.yLimits = 0...Double(side)
            }
            func panel(_ r: Int, _ c: Int, _ values: [Double], _ t: String?) throws {
                let ax = fig[rows.count * b + r, c]
                try ax.heatmap(values, rows: side, columns: side, xExtent: 0...Double(side), yExtent: 0...Double(side), colormap: .viridis,
                               range: meanRange, showColorbar: false)
                setUp(ax)
                ax.title = t
            }
            try panel(0, 0, truth, "truth")
            fig[rows.count * b, 0].yLabel = "\(title.short) patch"
            try panel(1, 0, observed, "context (\(patch.context.count))")
            let bar = fig[rows.count * b + 2, 0]
            setUp(bar)
            bar.colorbarOnly(colormap: .viridis, range: meanRange, label: "density / 21")
            for r in 3..<rows.count { setUp(fig[rows.count * b + r, 0]); fig[rows.count * b + r, 0].isHidden = true }
            var errors: [String] = []
            for (r, row) in rows.enumerated() {
                for c in 1..<columns {
                    guard c - 1 < row.panels.count else {
                        let ax = fig[rows.count * b + r, c]
                        setUp(ax); ax.isHidden = true
                        continue
                    }
                    let p = row.panels[c - 1]
                    let mean = patchMeans(models[p.kind]!, sampler, [patch], p.sw)[0].enumerated().map { isContext.contains($0.offset) ? Double.nan : $0.element }
                    let error = zip(mean, truth).map { abs($0 - $1) }.filter(\.isFinite).reduce(0, +) / targetCount
                    try panel(r, c, mean, p.title + " " + String(format: "%.3f", error).replacingOccurrences(of: "0.", with: "."))
                    // Every model panel keeps room for a y label, so that all panels are the same size.
                    fig[rows.count * b + r, c].yLabel = c == 1 ? row.label : " "
                    errors.append(String(format: "%@ %@ %.3f", row.label, p.title, error))
                }
            }
            errorNotes.append("\(title.short) patch: " + errors.joined(separator: ", "))
        }
        let name = "figure6-smoke"
        let dir = figuresDirectory
        try fig.write(to: dir, name: name)
        let caption = """
            Figure 6 (reproduction). A comparison between the predictive means of the equivariant and approximately \
            equivariant versions of the three classes of models — PT-TNP, ConvCNP and EquivCNP — on \(chosen.count) test patch(es) \
            (\(chosen.map(\.title.long).joined(separator: "; "))). Per patch, the first column holds the ground truth (smoke density / 21), \
            the context pixels and the colour scale the patch's panels share (viridis, 0 to the patch's maximum; values beyond \
            saturate). Then one row per class: PT-TNP (the non-equivariant plain model, (T), (T̃)), ConvCNP ((T), (T̃), \
            RelaxedConvCNP (T̃)) and EquivCNP ((E), (Ẽ)); each approximately equivariant model is followed by its equivariant \
            component ("t=0": the same weights with the fixed inputs zeroed; "Rel.": RelaxedConvCNP). Each panel's title ends with \
            the model's mean absolute error over the patch's target pixels (".010" is 0.010); the context pixels are blank in the model panels (the models \
            predict only the pixels outside the context). \(errorNotes.joined(separator: ". ")). Scale '\(scale.name)'; \(scaleNote)
            """
        return try writeFigureSidecars(name: name, caption: caption, item: "Figure 6", runs: modelRuns(), started: started, in: dir)
    }
}

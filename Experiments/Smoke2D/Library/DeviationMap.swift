import AtomicFile
import ExperimentKit
import Foundation
import NPModels
import NPPlot

extension SmokeExperiment {
    /// Per frame pixel, the mean over the test patches covering it of |μ − μ_equiv| (every pixel of each patch
    /// predicted from the patch's context): where in the frame the fixed inputs change the prediction.
    /// NaN where no test patch reaches. Row-major [size · size], row 0 at the floor.
    public func deviationMap(_ kind: ModelKind) throws -> [Double] {
        let test = try states(.test)
        let sampler = PatchTaskSampler(states: test)
        let patches = try testSet().patches
        let model = try trainedModel(runConfig(kind))
        let on = patchMeans(model, sampler, patches, .on), off = patchMeans(model, sampler, patches, .off)
        let n = test.size
        var sum = [Double](repeating: 0, count: n * n), count = [Double](repeating: 0, count: n * n)
        for (k, patch) in patches.enumerated() {
            // Target pixels only: the models are trained to predict the pixels outside the context.
            for p in patch.targets {
                let (r, c) = sampler.framePixel(patch, p)
                sum[r * n + c] += abs(on[k][p] - off[k][p]); count[r * n + c] += 1
            }
        }
        return zip(sum, count).map { $1 > 0 ? $0 / $1 : .nan }
    }

    /// The equivariance-deviation map (beyond the paper): one panel per approximately equivariant model, with the
    /// obstacle and the inflow sites outlined, and the mean test state for orientation.
    @discardableResult
    public func deviationFigure() throws -> URL {
        let started = Date()
        let test = try states(.test)
        let n = test.size
        let maps = try Self.approximatelyEquivariant.map { ($0, try deviationMap($0)) }
        let meanState = (0..<(n * n)).map { i in (0..<test.count).reduce(0.0) { $0 + Double(test.values[$1 * n * n + i]) } / Double(test.count) }
        // Two rows of three at 6.5 in: the mean state, then the maps, and last the maps' shared colour bar.
        let columns = 3, rows = (maps.count + 2 + columns - 1) / columns
        let fig = Figure(rows: rows, columns: columns, width: 6.5, height: 2.15 * Double(rows))
        func cell(_ i: Int) -> Axes { fig[i / columns, i % columns] }
        // One colour scale for the models, up to the 99th percentile of every map's pixels (a few edge pixels would
        // otherwise set the scale and leave the maps dark); larger values saturate.
        let pooled = maps.flatMap { $0.1.filter(\.isFinite) }.sorted()
        let top = max(pooled.isEmpty ? 0 : pooled[min(pooled.count - 1, Int(0.99 * Double(pooled.count)))], 1e-4)
        func outline(_ ax: Axes, _ dark: Bool) throws {
            let ink = dark ? Color.white : Color.black
            if let o = plan.setup.obstacle {
                for seg in Self.circle(cx: o.centerX, cy: o.centerY, r: o.radius, box: Double(n)) {
                    try ax.line(x: seg.map(\.0), y: seg.map(\.1), color: ink, width: 0.8)
                }
            }
            for x0 in plan.inflowPositions {
                for r in [plan.radiusRange.lowerBound, plan.radiusRange.upperBound] {
                    for seg in Self.circle(cx: x0, cy: plan.setup.inflowY, r: r, box: Double(n)) {
                        try ax.line(x: seg.map(\.0), y: seg.map(\.1), color: Color(hex: 0xE69F00), width: 0.6, style: .dashed)
                    }
                }
            }
        }
        func frame(_ ax: Axes, _ title: String?, _ column: Int) {
            ax.equalAspect = true; ax.grid = false; ax.title = title
            ax.xLimits = 0...Double(n); ax.yLimits = 0...Double(n)
            ax.xLabel = "x (cells)"; ax.yLabel = column == 0 ? "y (cells)" : " "
        }
        let first = cell(0)
        try first.heatmap(meanState, rows: n, columns: n, xExtent: 0...Double(n), yExtent: 0...Double(n), colormap: .viridis,
                          colorbarLabel: "smoke / 21")
        frame(first, "mean test state", 0)
        try outline(first, true)
        for (i, (kind, map)) in maps.enumerated() {
            let ax = cell(i + 1)
            try ax.heatmap(map, rows: n, columns: n, xExtent: 0...Double(n), yExtent: 0...Double(n), colormap: .viridis, range: 0...top,
                           showColorbar: false)
            frame(ax, kind.displayName, (i + 1) % columns)
            try outline(ax, true)
        }
        let bar = cell(maps.count + 1)
        frame(bar, nil, (maps.count + 1) % columns)
        bar.xLabel = nil
        bar.colorbarOnly(colormap: .viridis, range: 0...top, label: "mean |μ − μ_equiv| (smoke / 21)")
        for i in (maps.count + 2)..<(rows * columns) { frame(cell(i), nil, i % columns); cell(i).isHidden = true }
        let name = "smoke-deviation-map"
        let dir = figuresDirectory
        try fig.write(to: dir, name: name)
        let stats = maps.map { k, m in
            let f = m.filter(\.isFinite)
            return String(format: "%@ %.4f", k.displayName, f.reduce(0, +) / Double(max(f.count, 1)))
        }.joined(separator: ", ")
        let caption = """
            Equivariance-deviation map (beyond the paper). For each approximately equivariant model of the smoke experiment, \
            the mean over the \(scale.testTasks) test patches covering a pixel (as a target) of |μ − μ_equiv|, the change of the predictive \
            mean (smoke / 21) when the fixed inputs are zeroed (the RelaxedConvCNP: its relaxed weights set to their \
            equivariant part), with every target pixel of each patch predicted from the patch's context and placed at its absolute \
            position in the 128 × 128 frame; one colour scale for all models, up to the 99th percentile of their pixels (larger values saturate). Left: the mean test state. White circle: the \
            obstacle; dashed orange: the smallest and largest inflow disks at the three inflow sites. Frame-averaged \
            deviation: \(stats). Scale '\(scale.name)'; \(scaleNote)
            """
        return try writeFigureSidecars(name: name, caption: caption, item: "Smoke: equivariance-deviation map (beyond the paper)", runs: Self.approximatelyEquivariant.map { runConfig($0) }, started: started, in: dir)
    }
}

import AtomicFile
import ExperimentKit
import Foundation
import NPModels
import NPPlot
import NPTensor
import StationData

extension EnvironmentExperiment {
    /// Figure 2's task: the ID test month in the middle of the test set, with the largest context the rule allows
    /// (⌊N/3⌋ stations, a fixed-seed choice) so that the maps show what the context determines.
    func figureTask() throws -> (month: Int, task: SingleTask) {
        let material = try data().tasks(.idTest, dimension: 2)
        let item = material[material.count / 2]
        var rng = RandomGenerator(seed: Self.testSeed, stream: 0xF2)
        let (c, t) = ContextSizeRule.split(pointCount: item.count, contextCount: ContextSizeRule.bounds(pointCount: item.count).upperBound, using: &rng)
        return (item.monthIndices[0], StationTaskSampling.singleTask(item, context: c, target: t))
    }

    /// Figure 2: one ID test month. Row 1: context stations, held-out stations (°C) and elevation; rows 2 and 3:
    /// the equivariant component, the approximately equivariant prediction and their difference on the lon/lat
    /// grid, for PT-TNP (T̃) and EquivCNP (Ẽ).
    @discardableResult
    public func figure2() throws -> URL {
        let started = Date()
        let d = try data()
        let s = d.standardisation
        let (month, task) = try figureTask()
        let grid = MapGrid(columns: scale.mapColumns, rows: scale.mapRows)
        let kinds: [ModelKind] = [.ptTNPTApprox, .equivCNPEApprox]
        let predictions = try kinds.map { grid.predictions(try trainedModel(try runConfig($0)), context: task, standardisation: s) }

        func stations(_ x: Tensor, _ y: Tensor) -> (lon: [Double], lat: [Double], t: [Double]) {
            let n = x.shape[0]
            return ((0..<n).map { s.longitude(fromStandardised: Double(x.scalars[2 * $0])) },
                    (0..<n).map { s.latitude(fromStandardised: Double(x.scalars[2 * $0 + 1])) },
                    (0..<n).map { s.celsius(fromStandardised: Double(y.scalars[$0])) })
        }
        let context = stations(task.xc, task.yc), held = stations(task.xt, task.yt)
        let all = context.t + held.t + predictions.flatMap { $0.approximate + $0.equivariant }
        let range = all.min()!...all.max()!
        let diffTop = predictions.flatMap { zip($0.approximate, $0.equivariant).map { abs($0 - $1) } }.max() ?? 1

        // Equal maps; one colour bar per quantity and row: temperature beside the middle column (shared by the two
        // left columns), elevation and the signed difference (one scale for both rows) beside the right one.
        let fig = Figure(rows: 3, columns: 3, width: Style.fullWidth, height: 4.6)
        fig.uniformPanels = true
        let year = d.data.years[0] + month / 12, monthName = DateFormatter().monthSymbols[month % 12]
        try mapPanel(fig[0, 0]); fig[0, 0].title = "(a) context"; fig[0, 0].yLabel = "lat (°)"
        try fig[0, 0].scatter(x: context.lon, y: context.lat, values: context.t, range: range, size: 2.6, showColorbar: false)
        try mapPanel(fig[0, 1]); fig[0, 1].title = "(b) held out"
        try fig[0, 1].scatter(x: held.lon, y: held.lat, values: held.t, range: range, size: 2.6, colorbarLabel: "°C")
        try elevationPanel(fig[0, 2], d.data.elevationGrid)
        fig[0, 2].title = "(c) elevation"; fig[0, 2].yLabel = nil
        let letters = [["d", "e", "f"], ["g", "h", "i"]]
        for (r, (kind, p)) in zip(kinds, predictions).enumerated() {
            let row = r + 1
            let titles = ["E component", "AE prediction", "AE − E"]
            let fields = [p.equivariant, p.approximate, zip(p.approximate, p.equivariant).map { $0 - $1 }]
            for c in 0..<3 {
                let ax = fig[row, c]
                try mapPanel(ax)
                ax.title = "(\(letters[r][c])) \(titles[c])"
                if c == 0 { ax.yLabel = "\(kind.displayName): lat (°)" }
                if row < 2 { ax.xLabel = nil }
                if c < 2 {
                    try ax.heatmap(fields[c], rows: grid.rows, columns: grid.columns, xExtent: MapGrid.longitude, yExtent: MapGrid.latitude,
                                   range: range, colorbarLabel: "°C", showColorbar: c == 1)
                } else {
                    try ax.heatmap(fields[c], rows: grid.rows, columns: grid.columns, xExtent: MapGrid.longitude, yExtent: MapGrid.latitude,
                                   colormap: .blueWhiteRed, range: -max(diffTop, 1e-6)...max(diffTop, 1e-6), colorbarLabel: "°C")
                }
                try ax.scatter(x: context.lon, y: context.lat, color: Color(0, 0, 0, 0.8), size: 1.0)
            }
        }
        for c in 0..<3 { fig[0, c].xLabel = nil }
        let name = "figure2-environment"
        try fig.write(to: figuresDirectory, name: name)
        let caption = "A comparison between the predictive distributions of the equivariant (left column) and approximately equivariant (middle column) components of the PT-TNP (T̃) and EquivCNP (Ẽ) models on a single test dataset from the 2-D environmental data experiment — here one in-distribution test month (\(monthName) \(year)) of the Colorado station data (ERA5 substitute), west of −105.2°. (a) the \(context.t.count) context stations and (b) the \(held.t.count) held-out stations, coloured by monthly mean temperature; (c) elevation from CO.elevGrid; (d, g) predictive mean with the fixed inputs zeroed; (e, h) with them on; (f, i) the difference (e − d, h − g). Black dots: context stations. Reproduction at scale '\(scale.name)'."
        return try writeFigureSidecars(name: name, caption: caption, item: "Figure 2", runs: try kinds.map { try runConfig($0) }, started: started)
    }
}

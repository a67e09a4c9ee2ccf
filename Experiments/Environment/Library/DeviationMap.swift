import AtomicFile
import ExperimentKit
import Foundation
import NPModels
import NPPlot
import NPTensor
import NPTraining
import StationData

/// One model's equivariance-deviation map: the mean over ID test months of |μ − μ_equiv| (°C) on the map grid,
/// and how it correlates with elevation.
public struct DeviationMapSummary: Codable, Sendable {
    public var model: ModelKind
    public var months: [Int]
    /// Per month: the correlation over the grid between |μ − μ_equiv| and elevation; mean ± s.e. over months.
    public var monthlyCorrelation: Estimate
    /// Per month: the correlation over the grid between the signed μ − μ_equiv and elevation; mean ± s.e. over
    /// months. Negative when the fixed inputs act like a lapse rate (cooler at altitude than the equivariant
    /// component infers from the neighbouring stations).
    public var monthlySignedCorrelation: Estimate
    /// The correlation of the month-averaged map with elevation, and of the averaged signed difference μ − μ_equiv.
    public var meanMapCorrelation: Double
    public var signedMeanMapCorrelation: Double
    /// Mean over the grid of the averaged |μ − μ_equiv| (°C).
    public var meanAbsoluteDeviation: Double
    /// The averaged map, row-major (longitude fastest, row 0 south), °C.
    public var map: [Double]
    public var columns: Int
    public var rows: Int
}

extension EnvironmentExperiment {
    var deviationMapJSON: URL { figuresDirectory.appendingPathComponent("deviation-map-environment.json") }

    /// The map months: `mapMonths` ID test months evenly spaced over the test set (the first context split of each).
    func mapTasks() throws -> [(month: Int, task: SingleTask)] {
        let set = try testSet(.idTest, dimension: 2)
        let material = try data().tasks(.idTest, dimension: 2)
        var firstOfItem: [Int: Int] = [:]
        for (i, item) in set.items.enumerated() where firstOfItem[item] == nil { firstOfItem[item] = i }
        let items = firstOfItem.keys.sorted()
        let k = min(scale.mapMonths, items.count)
        let chosen = (0..<k).map { items[$0 * items.count / k] }
        return chosen.map { item in
            let i = firstOfItem[item]!
            return (material[item].monthIndices[0], set.batches[i / 16].task(i % 16))
        }
    }

    /// Computes the deviation maps of the four approximately equivariant 2-D models.
    func deviationMaps() throws -> [DeviationMapSummary] {
        let d = try data()
        let grid = MapGrid(columns: scale.mapColumns, rows: scale.mapRows)
        let elevation = grid.elevation(d.data.elevationGrid)
        let tasks = try mapTasks()
        return try Self.approximate2D.map { kind in
            let model = try trainedModel(try runConfig(kind))
            var sum = [Double](repeating: 0, count: grid.columns * grid.rows), signed = sum
            var correlations: [Double] = [], signedCorrelations: [Double] = []
            for (_, task) in tasks {
                let p = grid.predictions(model, context: task, standardisation: d.standardisation)
                let diff = zip(p.approximate, p.equivariant).map { $0 - $1 }
                let absolute = diff.map(abs)
                for i in sum.indices { sum[i] += absolute[i]; signed[i] += diff[i] }
                let r = pearsonCorrelation(absolute, elevation)
                if r.isFinite { correlations.append(r) }
                let rs = pearsonCorrelation(diff, elevation)
                if rs.isFinite { signedCorrelations.append(rs) }
            }
            let n = Double(tasks.count)
            let map = sum.map { $0 / n }, signedMap = signed.map { $0 / n }
            return DeviationMapSummary(model: kind, months: tasks.map(\.month), monthlyCorrelation: Estimate(correlations),
                                       monthlySignedCorrelation: Estimate(signedCorrelations),
                                       meanMapCorrelation: pearsonCorrelation(map, elevation),
                                       signedMeanMapCorrelation: pearsonCorrelation(signedMap, elevation),
                                       meanAbsoluteDeviation: map.reduce(0, +) / Double(map.count), map: map,
                                       columns: grid.columns, rows: grid.rows)
        }
    }

    /// The deviation-map figure: elevation beside each AE model's mean |μ − μ_equiv|, with the correlations.
    @discardableResult
    public func deviationMap() throws -> URL {
        let started = Date()
        let d = try data()
        let maps = try deviationMaps()
        let grid = MapGrid(columns: scale.mapColumns, rows: scale.mapRows)
        let fig = Figure(rows: 2, columns: 3, width: Style.fullWidth, height: 4.0)
        try elevationPanel(fig[0, 0], d.data.elevationGrid)
        fig[0, 0].title = "(a) elevation"
        let elevation = grid.elevation(d.data.elevationGrid)
        let scatter = fig[1, 2]
        scatter.title = "(f) against elevation"
        scatter.xLabel = "elevation (km)"
        scatter.yLabel = "|μ − μ_equiv| / its map mean"
        scatter.legend = .upperRight
        var highest = 0.0
        for (i, m) in maps.enumerated() {
            let ax = fig[(i + 1) / 3, (i + 1) % 3]
            let short = m.model == .relaxedConvCNP ? "Relaxed (T\u{303})" : m.model.displayName
            ax.title = "(\(["b", "c", "d", "e"][i % 4])) \(short), r = " + String(format: "%.2f", m.meanMapCorrelation).replacingOccurrences(of: "-", with: "\u{2212}")
            try mapPanel(ax)
            if (i + 1) % 3 == 0 { ax.yLabel = "lat (°)" }
            try ax.heatmap(m.map, rows: grid.rows, columns: grid.columns, xExtent: MapGrid.longitude, yExtent: MapGrid.latitude,
                           range: 0...max(m.map.max() ?? 1, 1e-6), colorbarLabel: "°C")
            let scaleBy = max(m.meanAbsoluteDeviation, 1e-12)
            let keep = elevation.indices.filter { elevation[$0].isFinite }
            let y = keep.map { m.map[$0] / scaleBy }
            highest = max(highest, y.max() ?? 0)
            try scatter.scatter(x: keep.map { elevation[$0] / 1000 }, y: y, color: Style.cycle[i % Style.cycle.count].withAlpha(0.5),
                                size: 1.0, label: m.model.displayName)
        }
        // Headroom above the points for the legend (four entries, almost half of the panel's height).
        scatter.yLimits = 0...(max(highest, 1e-12) * 2)
        let name = "deviation-map-environment"
        try fig.write(to: figuresDirectory, name: name)
        try writeJSON(maps, to: deviationMapJSON)
        let rs = maps.map { String(format: "%@ r = %.2f (per month %.2f ± %.2f; signed μ − μ_equiv per month %.2f ± %.2f)", $0.model.displayName,
                                   $0.meanMapCorrelation, $0.monthlyCorrelation.mean, $0.monthlyCorrelation.standardError,
                                   $0.monthlySignedCorrelation.mean, $0.monthlySignedCorrelation.standardError) }.joined(separator: "; ")
        let caption = "Equivariance deviation against topography (ours; makes the reading of the paper's Figure 2 measurable). (a) Elevation of the west (training) region from CO.elevGrid. (b–e) Maps: the mean over \(maps.first?.months.count ?? 0) ID test months (1981–1997, one context set each) of |μ − μ_equiv|, the absolute difference in °C between each approximately equivariant model's predictive mean and its equivariant component (fixed inputs zeroed), on a \(grid.columns) × \(grid.rows) lon/lat grid; r is the correlation of that map with elevation over the grid points. (f) Every grid point's deviation (divided by the map's mean) against its elevation. Correlations: \(rs). Reproduction at scale '\(scale.name)'."
        return try writeFigureSidecars(name: name, caption: caption, item: "Deviation map (ours)", runs: try Self.approximate2D.map { try runConfig($0) }, started: started)
    }

    /// A map panel's axes: lon/lat labels, equal aspect, the west region's limits.
    func mapPanel(_ ax: Axes) throws {
        ax.xLimits = MapGrid.longitude
        ax.yLimits = MapGrid.latitude
        ax.equalAspect = true
        ax.grid = false
        ax.xTickTarget = 3
        ax.yTickTarget = 5
        ax.xLabel = "lon (°)"
    }

    /// The elevation map of the west region (km) from the data set's elevation grid.
    func elevationPanel(_ ax: Axes, _ grid: ElevationGrid) throws {
        let crop = try grid.cropped(longitude: MapGrid.longitude, latitude: MapGrid.latitude)
        ax.title = "elevation"
        try mapPanel(ax)
        ax.yLabel = "lat (°)"
        try ax.heatmap(crop.z.map { $0 / 1000 }, rows: crop.y.count, columns: crop.x.count,
                       xExtent: crop.x.first!...crop.x.last!, yExtent: crop.y.first!...crop.y.last!, colorbarLabel: "km")
    }
}

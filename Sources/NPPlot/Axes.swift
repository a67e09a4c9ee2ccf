/// One panel of a figure: data limits, ticks, labels, a title, an optional legend and colour bar, and
/// the marks drawn in it. Methods that add data validate it and throw `PlotError` on bad input.
public final class Axes {
    public var title: String?
    public var xLabel: String?
    public var yLabel: String?
    /// Fixed limits; nil means "fit the data" (with 3 % padding for lines and points).
    public var xLimits: ClosedRange<Double>?
    public var yLimits: ClosedRange<Double>?
    public var legend: LegendPosition?
    public var grid = true
    /// Hide tick labels (set by shared axes on inner panels).
    public var hideXTickLabels = false
    public var hideYTickLabels = false
    /// Keep one data unit the same length on both axes (maps).
    public var equalAspect = false
    /// About how many ticks each axis gets (fewer for narrow map panels).
    public var xTickTarget = 5
    public var yTickTarget = 5
    /// Draw nothing in this panel (an empty cell of a grid of panels), except a colour bar set by `colorbarOnly`.
    public var isHidden = false
    /// The panel is only a colour bar, drawn at the left edge of its cell with the height its plot would have.
    var isColorbarOnly = false
    var marks: [Mark] = []
    var colorbar: ColorbarSpec?

    init() {}

    static func check(_ name: String, _ series: [String: [Double]], allowNaN: Bool = false) throws -> Int {
        let counts = Set(series.values.map(\.count))
        guard counts.count == 1, let n = counts.first else {
            throw PlotError.lengthMismatch("\(name): " + series.map { "\($0.key) has \($0.value.count)" }.sorted().joined(separator: ", "))
        }
        guard n > 0 else { throw PlotError.emptySeries(name) }
        for (k, v) in series where !allowNaN && v.contains(where: { !$0.isFinite }) {
            throw PlotError.nonFinite("\(name): \(k)")
        }
        return n
    }

    /// A polyline through (x, y).
    public func line(x: [Double], y: [Double], color: Color = Style.cycle[0], width: Double = Style.lineWidth,
                     style: LineStyle = .solid, label: String? = nil) throws {
        _ = try Axes.check("line \(label ?? "")", ["x": x, "y": y])
        marks.append(.line(x: x, y: y, color: color, width: width, style: style, label: label))
    }

    /// A filled band between `lower` and `upper` (e.g. mean ± 2 standard deviations).
    public func band(x: [Double], lower: [Double], upper: [Double], color: Color = Style.cycle[0],
                     alpha: Double = Style.bandAlpha, label: String? = nil) throws {
        _ = try Axes.check("band \(label ?? "")", ["x": x, "lower": lower, "upper": upper])
        marks.append(.band(x: x, lower: lower, upper: upper, color: color.withAlpha(alpha), label: label))
    }

    /// Points with a marker shape.
    public func scatter(x: [Double], y: [Double], color: Color = Style.context, marker: Marker = .circle,
                        size: Double = Style.markerSize, label: String? = nil) throws {
        _ = try Axes.check("scatter \(label ?? "")", ["x": x, "y": y])
        marks.append(.scatter(x: x, y: y, color: color, marker: marker, size: size, label: label))
    }

    /// Points coloured by value (station maps); NaN values are skipped.
    public func scatter(x: [Double], y: [Double], values: [Double], colormap: Colormap = .viridis,
                        range: ClosedRange<Double>? = nil, marker: Marker = .circle, size: Double = Style.markerSize,
                        colorbarLabel: String? = nil, showColorbar: Bool = true) throws {
        _ = try Axes.check("coloured scatter", ["x": x, "y": y])
        _ = try Axes.check("coloured scatter", ["x": x, "values": values], allowNaN: true)
        let r = try Axes.valueRange(values, range, colormap)
        marks.append(.colouredScatter(x: x, y: y, values: values, map: colormap, range: r, marker: marker, size: size))
        if showColorbar { colorbar = ColorbarSpec(map: colormap, range: r, label: colorbarLabel) }
    }

    public func verticalLine(at x: Double, color: Color = .black, width: Double = 0.8, style: LineStyle = .dotted) throws {
        guard x.isFinite else { throw PlotError.nonFinite("vertical line at \(x)") }
        marks.append(.vline(x: x, color: color, width: width, style: style))
    }

    public func horizontalLine(at y: Double, color: Color = .black, width: Double = 0.8, style: LineStyle = .dotted) throws {
        guard y.isFinite else { throw PlotError.nonFinite("horizontal line at \(y)") }
        marks.append(.hline(y: y, color: color, width: width, style: style))
    }

    /// A 2-D field: `values` row-major, `rows × columns`, row 0 at the bottom (smallest y). NaN cells are
    /// masked (drawn transparent). A diverging map is centred on zero unless `range` is given.
    public func heatmap(_ values: [Double], rows: Int, columns: Int, xExtent: ClosedRange<Double>,
                        yExtent: ClosedRange<Double>, colormap: Colormap = .viridis, range: ClosedRange<Double>? = nil,
                        colorbarLabel: String? = nil, showColorbar: Bool = true) throws {
        guard rows > 0, columns > 0 else { throw PlotError.emptySeries("heatmap with \(rows)×\(columns) cells") }
        guard values.count == rows * columns else {
            throw PlotError.lengthMismatch("heatmap has \(values.count) values for \(rows)×\(columns) cells")
        }
        guard values.allSatisfy({ $0.isFinite || $0.isNaN }) else { throw PlotError.nonFinite("heatmap contains infinity") }
        let r = try Axes.valueRange(values, range, colormap)
        marks.append(.heatmap(values: values, rows: rows, columns: columns, xExtent: xExtent, yExtent: yExtent, map: colormap, range: r))
        if showColorbar { colorbar = ColorbarSpec(map: colormap, range: r, label: colorbarLabel) }
    }

    /// Turns the panel into a colour bar alone (for a scale shared by the panels of a row): `range` of `colormap`.
    public func colorbarOnly(colormap: Colormap, range: ClosedRange<Double>, label: String? = nil) {
        isHidden = true; isColorbarOnly = true
        colorbar = ColorbarSpec(map: colormap, range: range, label: label)
    }

    static func valueRange(_ values: [Double], _ given: ClosedRange<Double>?, _ map: Colormap) throws -> ClosedRange<Double> {
        if let given { return given }
        let f = values.filter(\.isFinite)
        guard var lo = f.min(), var hi = f.max() else { throw PlotError.emptySeries("every value is masked (NaN)") }
        if map.diverging { let m = max(abs(lo), abs(hi), 1e-12); lo = -m; hi = m }
        if lo == hi { lo -= 0.5; hi += 0.5 }
        return lo...hi
    }

    /// The limits used for drawing: fixed ones, or the marks' bounds padded by 3 % (none for heatmaps).
    public var resolvedLimits: (x: ClosedRange<Double>, y: ClosedRange<Double>) {
        let bs = marks.compactMap(\.bounds)
        func fit(_ rs: [ClosedRange<Double>], pad: Bool) -> ClosedRange<Double> {
            guard let lo = rs.map(\.lowerBound).min(), let hi = rs.map(\.upperBound).max() else { return 0...1 }
            if lo == hi { return (lo - 0.5)...(hi + 0.5) }
            let p = pad ? 0.03 * (hi - lo) : 0
            return (lo - p)...(hi + p)
        }
        let onlyHeatmaps = marks.allSatisfy { if case .heatmap = $0 { return true } else { return false } }
        return (xLimits ?? fit(bs.map(\.x), pad: !onlyHeatmaps), yLimits ?? fit(bs.map(\.y), pad: !onlyHeatmaps))
    }
}

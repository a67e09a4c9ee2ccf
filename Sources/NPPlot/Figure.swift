import AtomicFile
import Foundation

/// A figure: a grid of panels (`Axes`) on a page of a given size in inches, written as PNG (raster, at a
/// chosen DPI) or PDF (vector). Sizes follow `Style` (NeurIPS full width 5.5 in).
public final class Figure {
    public let rows: Int
    public let columns: Int
    public let width: Double
    public let height: Double
    public var title: String?
    /// Inner panels hide their x tick labels (`sharedX`) or y tick labels (`sharedY`) and use the limits of
    /// the panels they share with, so that the panels read as one plot.
    public let sharedX: Bool
    public let sharedY: Bool
    /// A figure-wide legend drawn under the panels, from the labelled marks of the panels (each label once).
    public var figureLegend = false
    /// Every visible panel's plot gets the size of the smallest (left and top edges kept), so that a grid of maps
    /// with and without colour bars shows equal maps.
    public var uniformPanels = false
    let panels: [Axes]

    /// `width`/`height` in inches.
    public init(rows: Int = 1, columns: Int = 1, width: Double = Style.fullWidth, height: Double = 2.2,
                sharedX: Bool = false, sharedY: Bool = false) {
        precondition(rows >= 1 && columns >= 1, "a figure needs at least one panel")
        self.rows = rows; self.columns = columns; self.width = width; self.height = height
        self.sharedX = sharedX; self.sharedY = sharedY
        panels = (0..<(rows * columns)).map { _ in Axes() }
    }

    public subscript(row: Int, column: Int) -> Axes {
        precondition(row >= 0 && row < rows && column >= 0 && column < columns, "no panel (\(row), \(column))")
        return panels[row * columns + column]
    }

    /// All panels, row by row.
    public var allAxes: [Axes] { panels }

    /// Limits after sharing: shared axes use the union over the column (x) or row (y).
    func limits(row r: Int, column c: Int) -> (x: ClosedRange<Double>, y: ClosedRange<Double>) {
        var (x, y) = self[r, c].resolvedLimits
        func union(_ rs: [ClosedRange<Double>]) -> ClosedRange<Double> { rs.map(\.lowerBound).min()!...rs.map(\.upperBound).max()! }
        if sharedX && self[r, c].xLimits == nil { x = union((0..<rows).map { self[$0, c].resolvedLimits.x }) }
        if sharedY && self[r, c].yLimits == nil { y = union((0..<columns).map { self[r, $0].resolvedLimits.y }) }
        return (x, y)
    }

    // MARK: Layout (points; 72 points = 1 inch)

    var pageWidth: Double { width * 72 }
    var pageHeight: Double { height * 72 }
    var topMargin: Double { title == nil ? 2 : 14 }
    var bottomMargin: Double {
        guard figureLegend else { return 0 }
        let n = legendLines(widths: legendWidths()).count
        return Double(n) * (Style.legendFontSize + 4) + 4
    }

    /// Labelled marks of panels without a legend of their own, each label once, in drawing order.
    func legendEntries() -> [Mark] {
        var seen = Set<String>(), entries: [Mark] = []
        for ax in panels where ax.legend == nil {
            for m in ax.marks { if let l = m.label, !seen.contains(l) { seen.insert(l); entries.append(m) } }
        }
        return entries
    }

    /// Width of each legend entry: sample, gap, label, spacing.
    func legendWidths() -> [Double] { legendEntries().map { Text.measure($0.label!, size: Style.legendFontSize) + 26 } }

    /// Greedy line breaking of legend entries of the given widths (points) within the page width.
    func legendLines(widths: [Double]) -> [(entries: [Int], width: Double)] {
        var lines: [(entries: [Int], width: Double)] = []
        for (i, w) in widths.enumerated() {
            if let last = lines.last, last.width + w <= pageWidth - 8 {
                lines[lines.count - 1] = (last.entries + [i], last.width + w)
            } else { lines.append(([i], w)) }
        }
        return lines
    }

    func showsXTicks(_ r: Int, _ c: Int) -> Bool { !self[r, c].hideXTickLabels && !(sharedX && r < rows - 1) }
    func showsYTicks(_ r: Int, _ c: Int) -> Bool { !self[r, c].hideYTickLabels && !(sharedY && c > 0) }

    /// Room left of panel (r, c)'s plot for its y tick labels: 24 points, more when the longest label needs it
    /// (a digit is about 0.6 em wide), so that a y label never runs into them.
    func yTickRoom(_ r: Int, _ c: Int) -> Double {
        guard showsYTicks(r, c) else { return 6 }
        let ax = self[r, c]
        let longest = Ticks.labels(Ticks.positions(limits(row: r, column: c).y, target: ax.yTickTarget)).map(\.count).max() ?? 0
        return max(24, Double(longest) * Style.tickFontSize * 0.6 + 6)
    }

    /// The plotting rectangle of panel (r, c): x, y (top), width, height in points.
    func plotRect(row r: Int, column c: Int) -> (x: Double, y: Double, w: Double, h: Double) {
        var rect = ownPlotRect(row: r, column: c)
        guard uniformPanels, !self[r, c].isHidden else { return rect }
        let visible = (0..<rows).flatMap { r in (0..<columns).map { (r, $0) } }.filter { !self[$0.0, $0.1].isHidden }
        let own = visible.map { ownPlotRect(row: $0.0, column: $0.1) }
        let w = own.map(\.w).min()!, h = own.map(\.h).min()!
        rect.y += (rect.h - h) / 2
        rect.w = w; rect.h = h
        return rect
    }

    /// The plotting rectangle panel (r, c) would have on its own.
    func ownPlotRect(row r: Int, column c: Int) -> (x: Double, y: Double, w: Double, h: Double) {
        let ax = self[r, c]
        let cellW = pageWidth / Double(columns)
        let cellH = (pageHeight - topMargin - bottomMargin) / Double(rows)
        let left = yTickRoom(r, c) + (ax.yLabel == nil ? 0 : 10)
        let bottom = (showsXTicks(r, c) ? 13.0 : 5.0) + (ax.xLabel == nil ? 0 : 10)
        let top = ax.title == nil ? 5.0 : 13.0
        let right = ax.colorbar == nil || ax.isColorbarOnly ? 6.0 : 40.0
        var rect = (x: Double(c) * cellW + left, y: topMargin + Double(r) * cellH + top,
                    w: max(cellW - left - right, 10), h: max(cellH - top - bottom, 10))
        if ax.equalAspect {
            let (lx, ly) = limits(row: r, column: c)
            let aspect = (ly.upperBound - ly.lowerBound) / (lx.upperBound - lx.lowerBound)
            if rect.h / rect.w > aspect { let h = rect.w * aspect; rect.y += (rect.h - h) / 2; rect.h = h }
            else { let w = rect.h / aspect; rect.x += (rect.w - w) / 2; rect.w = w }
        }
        return rect
    }

    /// Where data point (x, y) of panel (r, c) lands in an image written at `dpi`, in pixels from the top left.
    public func pixel(row r: Int, column c: Int, x: Double, y: Double, dpi: Double) -> (x: Double, y: Double) {
        let p = toPage(row: r, column: c, x: x, y: y)
        return (p.x * dpi / 72, p.y * dpi / 72)
    }

    func toPage(row r: Int, column c: Int, x: Double, y: Double) -> (x: Double, y: Double) {
        Figure.toPage(x: x, y: y, rect: plotRect(row: r, column: c), limits: limits(row: r, column: c))
    }

    /// Data point (x, y) on the page, for a panel whose plotting rectangle and limits are already known (the
    /// renderer maps every point of a panel with one rectangle, not one layout per point).
    static func toPage(x: Double, y: Double, rect: (x: Double, y: Double, w: Double, h: Double),
                       limits: (x: ClosedRange<Double>, y: ClosedRange<Double>)) -> (x: Double, y: Double) {
        let (lx, ly) = limits
        return (rect.x + (x - lx.lowerBound) / (lx.upperBound - lx.lowerBound) * rect.w,
                rect.y + rect.h - (y - ly.lowerBound) / (ly.upperBound - ly.lowerBound) * rect.h)
    }

    // MARK: Output

    /// Writes a PNG at `dpi` (300 for print). Atomic: on failure no file is left at `url`.
    public func writePNG(to url: URL, dpi: Double = 300) throws {
        guard dpi > 0 && dpi <= 2400 else { throw PlotError.invalidArgument("dpi \(dpi) outside (0, 2400]") }
        try atomically(url) { try CairoRenderer(figure: self).writePNG(path: $0, dpi: dpi) }
    }

    /// Writes a vector PDF. Atomic: on failure no file is left at `url`.
    public func writePDF(to url: URL) throws {
        try atomically(url) { try CairoRenderer(figure: self).writePDF(path: $0) }
    }

    /// Writes `name.png` and `name.pdf` into `directory`.
    public func write(to directory: URL, name: String, dpi: Double = 300) throws {
        try writePNG(to: directory.appendingPathComponent("\(name).png"), dpi: dpi)
        try writePDF(to: directory.appendingPathComponent("\(name).pdf"))
    }

    func atomically(_ url: URL, _ body: (String) throws -> Void) throws {
        do { try writeAtomically(to: url) { try body($0.path) } } catch let e as AtomicWriteError {
            throw PlotError.writeFailed(e.description)
        }
    }
}

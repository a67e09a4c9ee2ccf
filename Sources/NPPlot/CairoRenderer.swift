import CCairo
import Foundation

/// Draws a `Figure` with Cairo, in points, onto a PNG (scaled to the DPI) or PDF surface.
/// The only file of the plotting module that knows about Cairo.
struct CairoRenderer {
    let figure: Figure

    func writePNG(path: String, dpi: Double) throws {
        let scale = dpi / 72
        let w = Int32((figure.pageWidth * scale).rounded()), h = Int32((figure.pageHeight * scale).rounded())
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h) else { throw PlotError.writeFailed("no surface") }
        defer { cairo_surface_destroy(surface) }
        let cr = cairo_create(surface)!
        defer { cairo_destroy(cr) }
        cairo_scale(cr, scale, scale)
        draw(cr)
        let status = cairo_surface_write_to_png(surface, path)
        guard status == CAIRO_STATUS_SUCCESS else {
            throw PlotError.writeFailed("\(path): \(String(cString: cairo_status_to_string(status)))")
        }
    }

    func writePDF(path: String) throws {
        guard let surface = cairo_pdf_surface_create(path, figure.pageWidth, figure.pageHeight) else {
            throw PlotError.writeFailed("no PDF surface for \(path)")
        }
        let cr = cairo_create(surface)!
        draw(cr)
        cairo_destroy(cr)
        cairo_surface_finish(surface)
        let status = cairo_surface_status(surface)
        cairo_surface_destroy(surface)
        guard status == CAIRO_STATUS_SUCCESS else {
            throw PlotError.writeFailed("\(path): \(String(cString: cairo_status_to_string(status)))")
        }
    }

    // MARK: Page

    func draw(_ cr: OpaquePointer) {
        cairo_set_source_rgb(cr, 1, 1, 1)
        cairo_paint(cr)
        if let t = figure.title {
            Text.draw(cr, t, x: figure.pageWidth / 2, y: 10, size: Style.titleFontSize + 0.5, bold: true, align: .center)
        }
        let xt = xTicks(cr)
        for r in 0..<figure.rows { for c in 0..<figure.columns { drawPanel(cr, r, c, xTicks: xt[r][c]) } }
        if figure.figureLegend { drawFigureLegend(cr) }
    }

    /// Every panel's x ticks: fewer where their labels would touch (narrow panels, e.g. those that give room to y
    /// tick labels), and then, among panels with the same x limits, the sparsest, so that a shared axis reads the same
    /// in every column.
    func xTicks(_ cr: OpaquePointer) -> [[[Double]]] {
        let panels = (0..<figure.rows).map { r in (0..<figure.columns).map { c -> [Double] in
            let lx = figure.limits(row: r, column: c).x, target = figure[r, c].xTickTarget
            guard figure.showsXTicks(r, c) else { return Ticks.positions(lx, target: target) }
            let w = figure.plotRect(row: r, column: c).w
            return Ticks.positions(lx, target: target, pointsPerUnit: w / (lx.upperBound - lx.lowerBound)) {
                Text.width(cr, $0, size: Style.tickFontSize)
            }
        } }
        return (0..<figure.rows).map { r in (0..<figure.columns).map { c in
            let lx = figure.limits(row: r, column: c).x
            var sparsest = panels[r][c]
            for r2 in 0..<figure.rows { for c2 in 0..<figure.columns
                where figure.limits(row: r2, column: c2).x == lx && panels[r2][c2].count < sparsest.count {
                sparsest = panels[r2][c2]
            } }
            return sparsest
        } }
    }

    func drawPanel(_ cr: OpaquePointer, _ r: Int, _ c: Int, xTicks xt: [Double]) {
        let ax = figure[r, c]
        let rect = figure.plotRect(row: r, column: c)
        if ax.isHidden {
            if ax.isColorbarOnly, let cb = ax.colorbar { drawColorbar(cr, cb, (x: rect.x - 5, y: rect.y, w: 0, h: rect.h)) }
            return
        }
        let (lx, ly) = figure.limits(row: r, column: c)
        let map = { (x: Double, y: Double) in Figure.toPage(x: x, y: y, rect: rect, limits: (lx, ly)) }
        let yt = Ticks.positions(ly, target: ax.yTickTarget)

        if ax.grid {
            set(cr, Style.gridLine); cairo_set_line_width(cr, 0.4)
            for t in xt { let p = map(t, 0); cairo_move_to(cr, p.x, rect.y); cairo_line_to(cr, p.x, rect.y + rect.h) }
            for t in yt { let p = map(0, t); cairo_move_to(cr, rect.x, p.y); cairo_line_to(cr, rect.x + rect.w, p.y) }
            cairo_stroke(cr)
        }

        cairo_save(cr)
        cairo_rectangle(cr, rect.x, rect.y, rect.w, rect.h); cairo_clip(cr)
        // Fields first, then bands, lines and points, so data never hides behind a fill.
        let order: (Mark) -> Int = { m in
            switch m { case .heatmap: return 0; case .band: return 1; case .vline, .hline: return 2; case .line: return 3; default: return 4 }
        }
        for m in ax.marks.sorted(by: { order($0) < order($1) }) { drawMark(cr, m, map, rect) }
        cairo_restore(cr)

        // Frame, ticks, labels.
        set(cr, Style.axisLine); cairo_set_line_width(cr, 0.6)
        cairo_rectangle(cr, rect.x, rect.y, rect.w, rect.h); cairo_stroke(cr)
        cairo_set_line_width(cr, 0.5)
        for t in xt { let p = map(t, 0); cairo_move_to(cr, p.x, rect.y + rect.h); cairo_line_to(cr, p.x, rect.y + rect.h + 2.5) }
        for t in yt { let p = map(0, t); cairo_move_to(cr, rect.x, p.y); cairo_line_to(cr, rect.x - 2.5, p.y) }
        cairo_stroke(cr)
        if figure.showsXTicks(r, c) {
            for (t, s) in zip(xt, Ticks.labels(xt)) {
                Text.draw(cr, s, x: map(t, 0).x, y: rect.y + rect.h + 4 + Style.tickFontSize * 0.8, size: Style.tickFontSize, align: .center)
            }
        }
        if figure.showsYTicks(r, c) {
            for (t, s) in zip(yt, Ticks.labels(yt)) {
                Text.draw(cr, s, x: rect.x - 4, y: map(0, t).y + Style.tickFontSize * 0.35, size: Style.tickFontSize, align: .right)
            }
        }
        if let xl = ax.xLabel {
            let below = figure.showsXTicks(r, c) ? 13.0 : 5.0
            Text.draw(cr, xl, x: rect.x + rect.w / 2, y: rect.y + rect.h + below + Style.labelFontSize * 0.85, size: Style.labelFontSize, align: .center)
        }
        if let yl = ax.yLabel {
            let left = figure.yTickRoom(r, c)
            Text.draw(cr, yl, x: rect.x - left - 1, y: rect.y + rect.h / 2, size: Style.labelFontSize, align: .center, rotated: true)
        }
        if let t = ax.title {
            Text.draw(cr, t, x: rect.x + rect.w / 2, y: rect.y - 4, size: Style.titleFontSize, align: .center)
        }
        if let pos = ax.legend { drawLegend(cr, entries: ax.marks.filter { $0.label != nil }, rect: rect, position: pos) }
        if let cb = ax.colorbar { drawColorbar(cr, cb, rect) }
    }

    // MARK: Marks

    func drawMark(_ cr: OpaquePointer, _ m: Mark, _ map: (Double, Double) -> (x: Double, y: Double),
                  _ rect: (x: Double, y: Double, w: Double, h: Double)) {
        switch m {
        case .line(let x, let y, let color, let width, let style, _):
            set(cr, color); cairo_set_line_width(cr, width); dash(cr, style, width)
            cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND)
            for i in x.indices { let p = map(x[i], y[i]); i == 0 ? cairo_move_to(cr, p.x, p.y) : cairo_line_to(cr, p.x, p.y) }
            cairo_stroke(cr); dash(cr, .solid, 1)
        case .band(let x, let lo, let hi, let color, _):
            set(cr, color)
            for i in x.indices { let p = map(x[i], hi[i]); i == 0 ? cairo_move_to(cr, p.x, p.y) : cairo_line_to(cr, p.x, p.y) }
            for i in x.indices.reversed() { let p = map(x[i], lo[i]); cairo_line_to(cr, p.x, p.y) }
            cairo_close_path(cr); cairo_fill(cr)
        case .scatter(let x, let y, let color, let marker, let size, _):
            set(cr, color)
            for i in x.indices { let p = map(x[i], y[i]); drawMarker(cr, marker, p.x, p.y, size) }
        case .colouredScatter(let x, let y, let v, let cmap, let range, let marker, let size):
            for i in x.indices where v[i].isFinite {
                let p = map(x[i], y[i])
                set(cr, cmap.color(at: (v[i] - range.lowerBound) / (range.upperBound - range.lowerBound)))
                drawMarker(cr, marker, p.x, p.y, size)
                set(cr, Color(0, 0, 0, 0.6)); cairo_set_line_width(cr, 0.25)
                markerPath(cr, marker, p.x, p.y, size); cairo_stroke(cr)
            }
        case .vline(let x, let color, let width, let style):
            set(cr, color); cairo_set_line_width(cr, width); dash(cr, style, width)
            let p = map(x, 0); cairo_move_to(cr, p.x, rect.y); cairo_line_to(cr, p.x, rect.y + rect.h); cairo_stroke(cr)
            dash(cr, .solid, 1)
        case .hline(let y, let color, let width, let style):
            set(cr, color); cairo_set_line_width(cr, width); dash(cr, style, width)
            let p = map(0, y); cairo_move_to(cr, rect.x, p.y); cairo_line_to(cr, rect.x + rect.w, p.y); cairo_stroke(cr)
            dash(cr, .solid, 1)
        case .heatmap(let values, let rows, let cols, let xe, let ye, let cmap, let range):
            let image = Raster.cells(values, rows: rows, columns: cols, map: cmap, range: range)
            defer { cairo_surface_destroy(image) }
            let p0 = map(xe.lowerBound, ye.upperBound), p1 = map(xe.upperBound, ye.lowerBound)
            Raster.paint(cr, image, x: p0.x, y: p0.y, w: p1.x - p0.x, h: p1.y - p0.y, pixelsW: cols, pixelsH: rows)
        }
    }

    func drawMarker(_ cr: OpaquePointer, _ marker: Marker, _ x: Double, _ y: Double, _ size: Double) {
        markerPath(cr, marker, x, y, size)
        if marker == .cross { cairo_set_line_width(cr, 0.8); cairo_stroke(cr) } else { cairo_fill(cr) }
    }

    func markerPath(_ cr: OpaquePointer, _ marker: Marker, _ x: Double, _ y: Double, _ size: Double) {
        let r = size / 2
        switch marker {
        case .circle: cairo_new_sub_path(cr); cairo_arc(cr, x, y, r, 0, 2 * .pi)
        case .square: cairo_rectangle(cr, x - r, y - r, 2 * r, 2 * r)
        case .triangle:
            cairo_move_to(cr, x, y - 1.15 * r); cairo_line_to(cr, x + r, y + 0.6 * r); cairo_line_to(cr, x - r, y + 0.6 * r); cairo_close_path(cr)
        case .diamond:
            cairo_move_to(cr, x, y - 1.2 * r); cairo_line_to(cr, x + r, y); cairo_line_to(cr, x, y + 1.2 * r); cairo_line_to(cr, x - r, y); cairo_close_path(cr)
        case .cross:
            cairo_move_to(cr, x - r, y - r); cairo_line_to(cr, x + r, y + r); cairo_move_to(cr, x - r, y + r); cairo_line_to(cr, x + r, y - r)
        }
    }

    // MARK: Legends and colour bars

    func legendSample(_ cr: OpaquePointer, _ m: Mark, x: Double, y: Double) {
        switch m {
        case .line(_, _, let color, let width, let style, _):
            set(cr, color); cairo_set_line_width(cr, width); dash(cr, style, width)
            cairo_move_to(cr, x, y); cairo_line_to(cr, x + 12, y); cairo_stroke(cr); dash(cr, .solid, 1)
        case .band(_, _, _, let color, _):
            set(cr, color); cairo_rectangle(cr, x, y - 3, 12, 6); cairo_fill(cr)
        case .scatter(_, _, let color, let marker, let size, _):
            set(cr, color); drawMarker(cr, marker, x + 6, y, size)
        default: break
        }
    }

    func drawLegend(_ cr: OpaquePointer, entries: [Mark], rect: (x: Double, y: Double, w: Double, h: Double), position: LegendPosition) {
        guard !entries.isEmpty else { return }
        let rowH = Style.legendFontSize + 2.5
        let textW = entries.map { Text.width(cr, $0.label!, size: Style.legendFontSize) }.max()!
        let boxW = textW + 22, boxH = Double(entries.count) * rowH + 4
        let bx = (position == .upperLeft || position == .lowerLeft) ? rect.x + 3 : rect.x + rect.w - boxW - 3
        let by = (position == .upperLeft || position == .upperRight) ? rect.y + 3 : rect.y + rect.h - boxH - 3
        set(cr, Color(1, 1, 1, 0.85)); cairo_rectangle(cr, bx, by, boxW, boxH); cairo_fill(cr)
        set(cr, Color(0, 0, 0, 0.25)); cairo_set_line_width(cr, 0.4); cairo_rectangle(cr, bx, by, boxW, boxH); cairo_stroke(cr)
        for (i, m) in entries.enumerated() {
            let y = by + 2 + rowH * (Double(i) + 0.5)
            legendSample(cr, m, x: bx + 3, y: y)
            Text.draw(cr, m.label!, x: bx + 18, y: y + Style.legendFontSize * 0.35, size: Style.legendFontSize)
        }
    }

    func drawFigureLegend(_ cr: OpaquePointer) {
        let entries = figure.legendEntries()
        guard !entries.isEmpty else { return }
        let lines = figure.legendLines(widths: figure.legendWidths())
        let rowH = Style.legendFontSize + 4
        var y = figure.pageHeight - figure.bottomMargin + rowH * 0.5 + 1
        for line in lines {
            var x = (figure.pageWidth - line.width) / 2
            for i in line.entries {
                legendSample(cr, entries[i], x: x, y: y)
                Text.draw(cr, entries[i].label!, x: x + 15, y: y + Style.legendFontSize * 0.35, size: Style.legendFontSize)
                x += Text.width(cr, entries[i].label!, size: Style.legendFontSize) + 26
            }
            y += rowH
        }
    }

    func drawColorbar(_ cr: OpaquePointer, _ cb: ColorbarSpec, _ rect: (x: Double, y: Double, w: Double, h: Double)) {
        let bx = rect.x + rect.w + 5, bw = 6.0
        let steps = 256
        let values = (0..<steps).map { cb.range.lowerBound + (cb.range.upperBound - cb.range.lowerBound) * (Double($0) + 0.5) / Double(steps) }
        let image = Raster.cells(values, rows: steps, columns: 1, map: cb.map, range: cb.range)
        defer { cairo_surface_destroy(image) }
        Raster.paint(cr, image, x: bx, y: rect.y, w: bw, h: rect.h, pixelsW: 1, pixelsH: steps)
        set(cr, Style.axisLine); cairo_set_line_width(cr, 0.4); cairo_rectangle(cr, bx, rect.y, bw, rect.h); cairo_stroke(cr)
        let ticks = Ticks.positions(cb.range, target: 5)
        var labelWidth = 0.0
        for (t, s) in zip(ticks, Ticks.labels(ticks)) {
            labelWidth = max(labelWidth, Text.width(cr, s, size: Style.tickFontSize))
            let y = rect.y + rect.h - (t - cb.range.lowerBound) / (cb.range.upperBound - cb.range.lowerBound) * rect.h
            cairo_move_to(cr, bx + bw, y); cairo_line_to(cr, bx + bw + 2, y); cairo_stroke(cr)
            Text.draw(cr, s, x: bx + bw + 3, y: y + Style.tickFontSize * 0.35, size: Style.tickFontSize)
        }
        if let l = cb.label {
            Text.draw(cr, l, x: bx + bw + 3 + labelWidth + 3 + Style.labelFontSize * 0.5, y: rect.y + rect.h / 2, size: Style.labelFontSize, align: .center, rotated: true)
        }
    }

    // MARK: Helpers

    func set(_ cr: OpaquePointer, _ c: Color) { cairo_set_source_rgba(cr, c.r, c.g, c.b, c.a) }

    func dash(_ cr: OpaquePointer, _ style: LineStyle, _ width: Double) {
        switch style {
        case .solid: cairo_set_dash(cr, nil, 0, 0)
        case .dashed: var d = [4 * width, 2.5 * width]; cairo_set_dash(cr, &d, 2, 0)
        case .dotted: var d = [width, 1.8 * width]; cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND); cairo_set_dash(cr, &d, 2, 0)
        }
        if style != .dotted { cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT) }
    }
}

/// Cell rasters for heatmaps and colour bars.
enum Raster {
    /// An ARGB32 image, one pixel per cell, row 0 of `values` at the bottom; NaN cells fully transparent.
    static func cells(_ values: [Double], rows: Int, columns: Int, map: Colormap, range: ClosedRange<Double>) -> OpaquePointer {
        let surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(columns), Int32(rows))!
        cairo_surface_flush(surface)
        let stride = Int(cairo_image_surface_get_stride(surface)) / 4
        let data = cairo_image_surface_get_data(surface)!.withMemoryRebound(to: UInt32.self, capacity: stride * rows) { $0 }
        for r in 0..<rows { for c in 0..<columns {
            let v = values[r * columns + c]
            var px: UInt32 = 0
            if v.isFinite {
                let col = map.color(at: (v - range.lowerBound) / (range.upperBound - range.lowerBound))
                px = 0xFF00_0000 | UInt32(col.r * 255 + 0.5) << 16 | UInt32(col.g * 255 + 0.5) << 8 | UInt32(col.b * 255 + 0.5)
            }
            data[(rows - 1 - r) * stride + c] = px
        } }
        cairo_surface_mark_dirty(surface)
        return surface
    }

    /// Paints `image` stretched over a rectangle with crisp (nearest-neighbour) cell edges.
    static func paint(_ cr: OpaquePointer, _ image: OpaquePointer, x: Double, y: Double, w: Double, h: Double, pixelsW: Int, pixelsH: Int) {
        cairo_save(cr)
        cairo_translate(cr, x, y)
        cairo_scale(cr, w / Double(pixelsW), h / Double(pixelsH))
        cairo_set_source_surface(cr, image, 0, 0)
        cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST)
        cairo_rectangle(cr, 0, 0, Double(pixelsW), Double(pixelsH))
        cairo_fill(cr)
        cairo_restore(cr)
    }
}

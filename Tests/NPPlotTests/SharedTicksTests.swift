import CCairo
import Foundation
@testable import NPPlot
import Testing

/// Panels with the same x limits show the same x ticks, even where one of them (the column that makes room for y
/// tick labels) is too narrow for the others' ticks and had to drop some.
struct SharedTicksTests {
    @Test func panelsSharingAnXAxisShareItsTicks() throws {
        let fig = Figure(rows: 1, columns: 4, width: Style.fullWidth, height: 2, sharedX: false, sharedY: true)
        for c in 0..<4 {
            let ax = fig[0, c]
            try ax.line(x: [-6.5, 2.5], y: [-4, 5])
            ax.xLimits = -6.5...2.5
            ax.xLabel = "x"
        }
        fig[0, 0].yLabel = "y"
        let surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 8, 8)!
        defer { cairo_surface_destroy(surface) }
        let cr = cairo_create(surface)!
        defer { cairo_destroy(cr) }
        // On its own the narrow first panel keeps fewer ticks than the others …
        func own(_ c: Int) -> [Double] {
            Ticks.positions(-6.5...2.5, target: fig[0, c].xTickTarget, pointsPerUnit: fig.plotRect(row: 0, column: c).w / 9) {
                Text.width(cr, $0, size: Style.tickFontSize)
            }
        }
        #expect(own(0).count < own(1).count)
        // … and every panel shows those.
        let shown = CairoRenderer(figure: fig).xTicks(cr)[0]
        #expect(shown.allSatisfy { $0 == own(0) })
    }
}

/// A grid of maps where some panels carry a colour bar: with `uniformPanels` every map has the same size (the
/// smallest), and without it the panels with a colour bar are narrower.
@Suite struct UniformPanelTests {
    func grid(uniform: Bool) throws -> Figure {
        let fig = Figure(rows: 2, columns: 3, width: 6.5, height: 4)
        fig.uniformPanels = uniform
        for r in 0..<2 {
            for c in 0..<3 {
                let ax = fig[r, c]
                ax.equalAspect = true
                if c == 0 { ax.yLabel = "lat" }
                try ax.heatmap([0, 1, 2, 3], rows: 2, columns: 2, xExtent: 0...4, yExtent: 0...4, showColorbar: c > 0)
            }
        }
        return fig
    }

    @Test func mapsAreEqualOnlyWhenAskedFor() throws {
        let uneven = try grid(uniform: false), even = try grid(uniform: true)
        let unevenWidths = Set((0..<3).map { uneven.plotRect(row: 0, column: $0).w.rounded() })
        #expect(unevenWidths.count > 1)
        let rects = (0..<2).flatMap { r in (0..<3).map { even.plotRect(row: r, column: $0) } }
        #expect(Set(rects.map { ($0.w * 100).rounded() }).count == 1 && Set(rects.map { ($0.h * 100).rounded() }).count == 1)
        #expect(abs(rects[0].w - rects[0].h) < 1e-9)                                        // square data, square map
        #expect(rects[0].w <= unevenWidths.min()! + 0.5)                                    // the smallest own size
        #expect(even.plotRect(row: 0, column: 1).x == uneven.plotRect(row: 0, column: 1).x)   // left edges kept
    }
}

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

import CCairo
import Foundation
import NPPlot
import Testing

/// A PNG read back as RGBA pixels.
struct Picture: CustomStringConvertible {
    var description: String { "Picture(\(width)×\(height))" }
    let width: Int, height: Int
    let pixels: [UInt32]   // Cairo ARGB32, premultiplied

    init(_ url: URL) throws {
        let s = cairo_image_surface_create_from_png(url.path)!
        defer { cairo_surface_destroy(s) }
        guard cairo_surface_status(s) == CAIRO_STATUS_SUCCESS else { throw PlotError.writeFailed("unreadable PNG \(url.path)") }
        let w = Int(cairo_image_surface_get_width(s)), h = Int(cairo_image_surface_get_height(s))
        let stride = Int(cairo_image_surface_get_stride(s)) / 4
        let data = cairo_image_surface_get_data(s)!.withMemoryRebound(to: UInt32.self, capacity: stride * h) { $0 }
        var px = [UInt32](repeating: 0, count: w * h)
        for y in 0..<h { for x in 0..<w { px[y * w + x] = data[y * stride + x] } }
        width = w; height = h; pixels = px
    }

    /// (r, g, b, a) in 0…255 at a pixel (un-premultiplied).
    func rgba(_ x: Double, _ y: Double) -> (r: Double, g: Double, b: Double, a: Double) {
        let p = pixels[Int(y) * width + Int(x)]
        let a = Double(p >> 24)
        let f = a > 0 ? 255 / a : 0
        return (Double((p >> 16) & 0xFF) * f, Double((p >> 8) & 0xFF) * f, Double(p & 0xFF) * f, a)
    }

    func isClose(_ x: Double, _ y: Double, to c: Color, tolerance: Double = 40) -> Bool {
        let p = rgba(x, y)
        return abs(p.r - c.r * 255) + abs(p.g - c.g * 255) + abs(p.b - c.b * 255) <= tolerance
    }
}

func tempDir() -> URL {
    let d = FileManager.default.temporaryDirectory.appendingPathComponent("aenp-plot-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
    return d
}

@Suite struct PictureTests {
    @Test func pngHasTheRequestedSizeAtEachDPI() throws {
        let fig = Figure(rows: 1, columns: 2, width: 5.5, height: 2)
        try fig[0, 0].line(x: [0, 1], y: [0, 1])
        for dpi in [72.0, 150, 300] {
            let url = tempDir().appendingPathComponent("f.png")
            try fig.writePNG(to: url, dpi: dpi)
            let p = try Picture(url)
            #expect(p.width == Int((5.5 * dpi).rounded()) && p.height == Int((2 * dpi).rounded()))
        }
    }

    @Test func lineBandAndPointsLandAtTheirDataCoordinates() throws {
        let fig = Figure(width: 3, height: 2.5)
        let ax = fig[0, 0]
        ax.xLimits = 0...10; ax.yLimits = 0...10
        ax.grid = false
        let blue = Style.approximatelyEquivariant, red = Style.equivariantComponent
        try ax.band(x: [0, 10], lower: [6, 6], upper: [9, 9], color: blue, alpha: 1)
        try ax.line(x: [0, 10], y: [2, 2], color: red, width: 3)
        try ax.scatter(x: [5], y: [4], color: .black, marker: .square, size: 8)
        let url = tempDir().appendingPathComponent("f.png")
        try fig.writePNG(to: url, dpi: 200)
        let pic = try Picture(url)
        func at(_ x: Double, _ y: Double) -> (Double, Double) { let p = fig.pixel(row: 0, column: 0, x: x, y: y, dpi: 200); return (p.x, p.y) }
        var (px, py) = at(3, 7.5); #expect(pic.isClose(px, py, to: blue), "inside the band")
        (px, py) = at(3, 5); #expect(pic.isClose(px, py, to: .white), "between band and line")
        (px, py) = at(7, 2); #expect(pic.isClose(px, py, to: red), "on the line")
        (px, py) = at(7, 2.6); #expect(pic.isClose(px, py, to: .white), "beside the line")
        (px, py) = at(5, 4); #expect(pic.isClose(px, py, to: .black), "the marker")
        (px, py) = at(5.1, 4.1); #expect(pic.isClose(px, py, to: .black), "inside the square marker")
        (px, py) = at(6, 4); #expect(pic.isClose(px, py, to: .white), "outside the marker")
    }

    @Test func maskedCellsAreTransparentAndMappedCellsColoured() throws {
        let fig = Figure(width: 3, height: 3)
        let ax = fig[0, 0]
        ax.grid = false
        // 2×2 field, row 0 at the bottom: bottom-left NaN (masked), others 0, 1, 0.5 on [0, 1].
        try ax.heatmap([.nan, 0, 1, 0.5], rows: 2, columns: 2, xExtent: 0...2, yExtent: 0...2, range: 0...1, showColorbar: false)
        let url = tempDir().appendingPathComponent("f.png")
        try fig.writePNG(to: url, dpi: 100)
        let pic = try Picture(url)
        let p = { (x: Double, y: Double) in fig.pixel(row: 0, column: 0, x: x, y: y, dpi: 100) }
        var q = p(0.5, 0.5); #expect(pic.isClose(q.x, q.y, to: .white, tolerance: 3), "masked cell shows the background")
        q = p(1.5, 0.5); #expect(pic.isClose(q.x, q.y, to: Colormap.viridis.color(at: 0), tolerance: 6))
        q = p(0.5, 1.5); #expect(pic.isClose(q.x, q.y, to: Colormap.viridis.color(at: 1), tolerance: 6))
        q = p(1.5, 1.5); #expect(pic.isClose(q.x, q.y, to: Colormap.viridis.color(at: 0.5), tolerance: 6))
        // In the raster itself the masked cell has alpha 0: render the field alone on a transparent page.
        #expect(Colormap.viridis.color(at: 0) != Colormap.viridis.color(at: 1))
    }

    @Test func divergingMapIsCentredOnZero() {
        #expect(Colormap.blueWhiteRed.color(at: 0.5) == Color(hex: 0xF7F7F7))
        let a = Colormap.blueWhiteRed.color(at: 0), b = Colormap.blueWhiteRed.color(at: 1)
        #expect(a.b > a.r && b.r > b.b)
    }

    @Test func pdfIsAValidVectorPDF() throws {
        let fig = Figure(rows: 2, columns: 2, sharedX: true, sharedY: true)
        fig.title = "EquivCNP (E\u{303}) — σ, μ, ±"
        for ax in fig.allAxes { try ax.line(x: [0, 1, 2], y: [1, 0, 1]) }
        let url = tempDir().appendingPathComponent("f.pdf")
        try fig.writePDF(to: url)
        let data = try Data(contentsOf: url)
        #expect(data.prefix(5) == Data("%PDF-".utf8))
        let tail = String(decoding: data.suffix(16), as: UTF8.self)
        #expect(tail.contains("%%EOF"))
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("/Type /Page") || text.contains("/Type/Page"))
        #expect(text.contains("DejaVu"), "a real font is embedded")
    }

    @Test func badInputGivesClearErrors() throws {
        let ax = Figure()[0, 0]
        #expect(throws: PlotError.nonFinite("line : y")) { try ax.line(x: [0, 1], y: [0, .nan]) }
        #expect(throws: PlotError.emptySeries("line ")) { try ax.line(x: [], y: []) }
        #expect(throws: PlotError.self) { try ax.band(x: [0, 1], lower: [0], upper: [1, 2]) }
        #expect(throws: PlotError.self) { try ax.heatmap([1, 2, 3], rows: 2, columns: 2, xExtent: 0...1, yExtent: 0...1) }
        #expect(throws: PlotError.self) { try ax.heatmap([.nan, .nan], rows: 1, columns: 2, xExtent: 0...1, yExtent: 0...1) }
        do { try ax.scatter(x: [1, 2], y: [1]); Issue.record("mismatch accepted") } catch let e as PlotError {
            #expect(e.description.contains("x has 2") && e.description.contains("y has 1"))
        }
    }

    @Test func unwritablePathFailsAndLeavesNoFile() throws {
        let dir = tempDir()
        let blocker = dir.appendingPathComponent("not-a-directory")
        try Data("x".utf8).write(to: blocker)
        let fig = Figure()
        try fig[0, 0].line(x: [0, 1], y: [0, 1])
        #expect(throws: PlotError.self) { try fig.writePNG(to: blocker.appendingPathComponent("f.png")) }
        #expect(throws: PlotError.self) { try fig.writePDF(to: blocker.appendingPathComponent("f.pdf")) }
        #expect(throws: PlotError.self) { try fig.writePNG(to: dir.appendingPathComponent("f.png"), dpi: 0) }
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(left == ["not-a-directory"], "no partial files: \(left)")
    }

    @Test func ticksAreNiceAndLabelledWithTrueMinus() {
        #expect(Ticks.positions(0...10) == [0, 2.5, 5, 7.5, 10])
        #expect(Ticks.positions(-10.3...10.3) == [-10, -5, 0, 5, 10])
        // A narrow axis drops ticks until the labels (here 6 points per character) no longer touch; a wide one keeps them.
        let narrow = Ticks.positions(-6.3...2.3, target: 5, pointsPerUnit: 5) { Double($0.count) * 6 }
        #expect(narrow == [-5, 0])
        #expect(Ticks.positions(-6.3...2.3, target: 5, pointsPerUnit: 40) { Double($0.count) * 6 } == Ticks.positions(-6.3...2.3, target: 5))
        #expect(Ticks.labels([-1, 0, 1]) == ["\u{2212}1", "0", "1"])
        #expect(Ticks.labels([0, 0.25, 0.5]) == ["0.00", "0.25", "0.50"])
    }

    @Test func sharedAxesUseTheUnionOfLimits() throws {
        let fig = Figure(rows: 1, columns: 2, sharedY: true)
        try fig[0, 0].line(x: [0, 1], y: [0, 1])
        try fig[0, 1].line(x: [0, 1], y: [5, 6])
        let left = fig.pixel(row: 0, column: 0, x: 0, y: 3, dpi: 72), right = fig.pixel(row: 0, column: 1, x: 0, y: 3, dpi: 72)
        #expect(abs(left.y - right.y) < 1e-9)
    }
}

// plot-gallery: one example of every mark and table style, for reviewing the project's look.
//
//   swift run plot-gallery [output-directory]     (default: Docs/gallery)
//
// Writes gallery-lines.{png,pdf}, gallery-fields.{png,pdf} and gallery-table.{tex,md,json}.
import Foundation
import NPPlot
import NPReport

let out = URL(fileURLWithPath: CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "Docs/gallery")

func run() throws {
    // 1. A 1-D predictive panel in the paper's convention, plus line styles, markers and reference lines.
    let fig = Figure(rows: 1, columns: 3, width: Style.fullWidth, height: 1.9, sharedY: true)
    fig.figureLegend = true
    let xs = stride(from: -4.0, through: 4.0, by: 0.05).map { $0 }
    let mean = xs.map { $0 < 0 ? sin(6 * $0) * 0.8 : 0.6 * cos($0 / 2) }
    let sd = xs.map { 0.15 + 0.1 * abs($0) / 4 }
    let ctxX = [-3.5, -2.9, -2.2, -1.4, -0.7, 0.4, 1.1, 2.6]
    let ctxY = ctxX.map { $0 < 0 ? sin(6 * $0) * 0.8 : 0.6 * cos($0 / 2) }
    let a = fig[0, 0]
    a.title = "ConvCNP (T\u{303})"
    a.xLabel = "x"; a.yLabel = "y"
    try a.band(x: xs, lower: zip(mean, sd).map { $0 - 2 * $1 }, upper: zip(mean, sd).map { $0 + 2 * $1 },
               color: Style.approximatelyEquivariant, label: "prediction ± 2σ")
    try a.line(x: xs, y: mean, color: Style.approximatelyEquivariant, label: "prediction")
    let eqMean = xs.map { sin(6 * $0) * 0.8 * exp(-0.1 * abs($0)) }
    try a.line(x: xs, y: eqMean, color: Style.equivariantComponent, style: .solid, label: "equivariant component")
    try a.line(x: xs, y: mean.map { $0 + 0.05 }, color: Style.groundTruth, width: 0.8, style: .dashed, label: "ground truth")
    try a.scatter(x: ctxX, y: ctxY, color: Style.context, label: "context")
    try a.verticalLine(at: -3.9); try a.verticalLine(at: 3.9)
    let b = fig[0, 1]
    b.title = "Markers and line styles"
    b.xLabel = "x"
    for (i, m) in [Marker.circle, .square, .triangle, .diamond, .cross].enumerated() {
        try b.scatter(x: [Double(i)], y: [Double(i) * 0.3 - 0.6], color: Style.cycle[i], marker: m, size: 4)
    }
    for (i, s) in [LineStyle.solid, .dashed, .dotted].enumerated() {
        try b.line(x: [0, 4], y: [0.6 + Double(i) * 0.25, 0.6 + Double(i) * 0.25], color: Style.cycle[i], style: s)
    }
    try b.horizontalLine(at: 0, style: .dashed)
    let c = fig[0, 2]
    c.title = "EquivCNP (E\u{303}), Δ = 8.5 %, σ², μ"
    c.xLabel = "x"
    c.legend = .upperRight
    try c.line(x: xs, y: xs.map { 0.9 * tanh($0) }, color: Style.cycle[1], label: "tanh")
    try c.line(x: xs, y: xs.map { 0.9 * sin($0) }, color: Style.cycle[2], style: .dashed, label: "sin")
    try fig.write(to: out, name: "gallery-lines")

    // 2. Fields: viridis with a masked region, a diverging difference map, station-style coloured points.
    let f2 = Figure(rows: 1, columns: 3, width: Style.fullWidth, height: 1.9)
    let n = 40
    var field = [Double](), diff = [Double]()
    for r in 0..<n { for q in 0..<n {
        let (x, y) = (Double(q) / Double(n - 1) * 4 - 2, Double(r) / Double(n - 1) * 4 - 2)
        let sea = x + 0.6 * y > 1.4
        field.append(sea ? .nan : exp(-(x * x + y * y) / 2) * 10 + 5)
        diff.append(sin(2 * x) * cos(1.5 * y) * 1.3)
    } }
    let h1 = f2[0, 0]
    h1.title = "Temperature (masked sea)"; h1.xLabel = "longitude"; h1.yLabel = "latitude"; h1.equalAspect = true
    try h1.heatmap(field, rows: n, columns: n, xExtent: -2...2, yExtent: -2...2, colorbarLabel: "°C")
    let h2 = f2[0, 1]
    h2.title = "AE − E difference"; h2.xLabel = "longitude"; h2.equalAspect = true
    try h2.heatmap(diff, rows: n, columns: n, xExtent: -2...2, yExtent: -2...2, colormap: .blueWhiteRed, colorbarLabel: "°C")
    let h3 = f2[0, 2]
    h3.title = "Stations"; h3.xLabel = "longitude"; h3.equalAspect = true
    var rx = [Double](), ry = [Double](), rv = [Double]()
    for i in 0..<60 {
        let t = Double(i) * 2.399
        let rr = 1.8 * (Double(i) / 60).squareRoot()
        rx.append(rr * cos(t)); ry.append(rr * sin(t)); rv.append(10 - 3 * rr + (i % 7 == 0 ? .nan : 0))
    }
    h3.xLimits = -2...2; h3.yLimits = -2...2
    try h3.scatter(x: rx, y: ry, values: rv, colormap: .viridis, marker: .circle, size: 4, colorbarLabel: "°C")
    try f2.write(to: out, name: "gallery-fields")

    // 3. A table in the paper's layout: grouped rows, spanning headers, best-in-group bold, missing cells.
    let table = try ResultsTable(
        caption: "Average test log-likelihoods (↑). Gallery example with made-up numbers.",
        label: "tab:gallery",
        columns: [TableColumn("ID", group: "1-D GP"), TableColumn("OOD", group: "1-D GP"), TableColumn("2-D Smoke")],
        groups: [
            RowGroup("TNP", [TableRow("TNP", [.estimate(mean: -0.512, standardError: 0.004), .estimate(mean: -2.31, standardError: 0.02), .missing]),
                             TableRow("TNP (T)", [.estimate(mean: -0.498, standardError: 0.004), .estimate(mean: -0.497, standardError: 0.004), .missing]),
                             TableRow("TNP (T\u{303})", [.estimate(mean: -0.471, standardError: 0.004), .estimate(mean: -0.496, standardError: 0.004), .missing])]),
            RowGroup("ConvCNP", [TableRow("ConvCNP (T)", [.estimate(mean: -0.502, standardError: 0.004), .estimate(mean: -0.501, standardError: 0.004), .estimate(mean: 1.12, standardError: 0.01)]),
                                 TableRow("ConvCNP (T\u{303})", [.estimate(mean: -0.469, standardError: 0.004), .estimate(mean: -0.5, standardError: 0.004), .estimate(mean: 1.31, standardError: 0.01)])]),
        ], decimals: 3, note: "Made-up numbers; produced by plot-gallery.")
    try table.write(to: out, name: "gallery-table")
    print("wrote gallery-lines, gallery-fields (.png, .pdf) and gallery-table (.tex, .md, .json) to \(out.path)")
}

do { try run() } catch {
    FileHandle.standardError.write(Data("plot-gallery: \(error)\n".utf8))
    exit(1)
}

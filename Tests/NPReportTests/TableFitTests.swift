import Foundation
import NPReport
import Testing

/// Every table fits the page: each committed table's numbers (`tables/*.json`, `outputs/*/tables/*.json`), rendered
/// again by the current renderer, compiles alone in a plain `\documentclass{article}` with booktabs without an
/// `Overfull \hbox`. (scripts/check-table-fit.sh checks the committed `.tex` files themselves the same way.)
/// Set TABLE_FIT_KEEP=DIR to keep the rendered `.tex` files in DIR.
@Suite struct TableFitTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func pdflatex() -> String? {
        ["/usr/bin/pdflatex", "/usr/local/bin/pdflatex", "/Library/TeX/texbin/pdflatex"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The widest `Overfull \hbox` (pt) when `table` is compiled alone in a plain article, or nil when it fits;
    /// throws when LaTeX fails.
    static func overflow(ofTable tex: String, in dir: URL, pdflatex: String) throws -> Double? {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try tex.write(to: dir.appendingPathComponent("table.tex"), atomically: true, encoding: .utf8)
        let doc = "\\documentclass{article}\n\\usepackage{booktabs}\n\\usepackage{graphicx}\n\\usepackage[T1]{fontenc}\n\\usepackage[utf8]{inputenc}\n\\begin{document}\n\\input{table.tex}\n\\end{document}\n"
        try doc.write(to: dir.appendingPathComponent("main.tex"), atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: pdflatex)
        p.arguments = ["-interaction=nonstopmode", "-halt-on-error", "main.tex"]
        p.currentDirectoryURL = dir
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run(); p.waitUntilExit()
        let log = (try? String(contentsOf: dir.appendingPathComponent("main.log"), encoding: .utf8)) ?? ""
        guard p.terminationStatus == 0 else { throw TableError.shape("pdflatex failed:\n\(log.suffix(1200))") }
        let widths = log.components(separatedBy: "Overfull \\hbox (").dropFirst().compactMap { Double($0.prefix { $0 != "p" }) }
        return widths.max()
    }

    /// The committed tables' JSON files (those with a `.tex` beside them).
    static func committedTables() -> [URL] {
        let fm = FileManager.default
        var dirs = [root.appendingPathComponent("tables")]
        let outputs = root.appendingPathComponent("outputs")
        for scale in (try? fm.contentsOfDirectory(atPath: outputs.path)) ?? [] { dirs.append(outputs.appendingPathComponent(scale).appendingPathComponent("tables")) }
        return dirs.flatMap { dir -> [URL] in
            let names = (try? fm.contentsOfDirectory(atPath: dir.path)) ?? []
            return names.filter { $0.hasSuffix(".json") && $0.split(separator: ".").count == 2 && names.contains($0.replacingOccurrences(of: ".json", with: ".tex")) }
                .sorted().map { dir.appendingPathComponent($0) }
        }
    }

    @Test func committedTablesRenderedAgainFitAPlainArticle() throws {
        guard let pdflatex = Self.pdflatex() else {
            Issue.record("pdflatex not found: install texlive-latex-base and texlive-latex-recommended (scripts/system-packages.txt)")
            return
        }
        let tables = Self.committedTables()
        #expect(tables.count >= 10, "expected the committed tables under tables/ and outputs/*/tables/")
        let keep = ProcessInfo.processInfo.environment["TABLE_FIT_KEEP"].map { URL(fileURLWithPath: $0) }
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("aenp-fit-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: work) }
        for url in tables {
            let table = try JSONDecoder().decode(ResultsTable.self, from: Data(contentsOf: url))
            // tables/ holds scale quick; outputs/<scale>/tables/ the others.
            let inOutputs = url.path.contains("/outputs/")
            let scale = inOutputs ? url.deletingLastPathComponent().deletingLastPathComponent().lastPathComponent : "quick"
            let tex = table.latex(scale: scale)
            let name = url.deletingPathExtension().lastPathComponent
            if let keep {
                let dir = keep.appendingPathComponent(inOutputs ? "outputs-\(scale)" : "tables")
                try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
                try tex.write(to: dir.appendingPathComponent("\(name).tex"), atomically: true, encoding: .utf8)
            }
            let over = try Self.overflow(ofTable: tex, in: work.appendingPathComponent(name), pdflatex: pdflatex)
            #expect(over == nil, "\(url.path): \(over ?? 0) pt too wide (layout: \(table.layout()))")
        }
    }

    /// A deliberately wide table (long claims, many numeric columns) fits too, by wrapping and a smaller font.
    @Test func aWideTableWrapsAndShrinksToFit() throws {
        let long = "The approximately equivariant RelaxedConvCNP (T\u{303}) beats the strictly equivariant model of its class out of distribution"
        let columns = ["Test", "Difference", "z", "Across seeds", "Seeds", "Verdict"].enumerated().map { i, t in
            TableColumn(t, preference: .none, decimals: i == 2 ? 1 : i == 4 ? 0 : nil)
        }
        let rows = (0..<4).map { i in
            TableRow("Table \(i): " + long, [.text(long), .estimate(mean: -0.017, standardError: 0.015), .value(-1.175),
                                              .estimate(mean: 12.5, standardError: 3.25), .value(3), .text("not resolved (-1.0 / 19.2)")])
        }
        let t = try ResultsTable(caption: "Claims.", label: "tab:wide", rowHeader: "Claim", columns: columns, groups: [RowGroup(nil, rows)])
        let layout = t.layout()
        #expect(layout.columns[0].isWrapped && layout.columns[1].isWrapped)
        #expect(!layout.resized)
        let tex = t.latex(scale: "standard")
        #expect(tex.contains("\\label{tab:wide-standard}"))
        #expect(tex.contains("$-1.2$") && tex.contains("$3$"), "z to 1 decimal, seeds to 0")
        guard let pdflatex = Self.pdflatex() else { Issue.record("pdflatex not found"); return }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aenp-wide-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let over = try Self.overflow(ofTable: tex, in: dir, pdflatex: pdflatex)
        #expect(over == nil, "\(over ?? 0) pt too wide")
    }

    @Test func labelsCarryTheScaleOnce() throws {
        let t = try ResultsTable(caption: "c", label: "tab:gibbs1d-loglik", columns: [TableColumn("v")], groups: [RowGroup(nil, [TableRow("a", [.value(1)])])])
        #expect(t.label(scale: "standard") == "tab:gibbs1d-loglik-standard")
        #expect(t.label(scale: nil) == "tab:gibbs1d-loglik")
        let already = try ResultsTable(caption: "c", label: "tab:x-quick", columns: [TableColumn("v")], groups: [RowGroup(nil, [TableRow("a", [.value(1)])])])
        #expect(already.label(scale: "quick") == "tab:x-quick")
    }

    /// JSON written before columns had their own decimals still reads (the field is optional).
    @Test func jsonWithoutColumnDecimalsStillDecodes() throws {
        let json = #"{"caption":"c","columns":[{"preference":"none","title":"z"}],"decimals":2,"groups":[{"rows":[{"cells":[{"value":{"_0":1.5}}],"label":"a"}]}],"label":"l","rowHeader":"Model"}"#
        let t = try JSONDecoder().decode(ResultsTable.self, from: Data(json.utf8))
        #expect(t.columns[0].decimals == nil && t.decimals(column: 0) == 2)
    }
}

import AtomicFile
import Foundation

extension ResultsTable {
    /// LaTeX with booktabs: spanning headers with `\cmidrule`, a `\midrule` between row groups, the best
    /// of each group in bold, `mean ± s.e.` as `$m \pm s$`, missing cells as an en dash (`--`).
    /// Needs `\usepackage{booktabs}` (and `\usepackage{multirow}` is *not* needed).
    public func latex() -> String {
        var out: [String] = []
        out.append("\\begin{table}[t]")
        out.append("\\centering")
        out.append("\\caption{\(ResultsTable.latexText(caption))}")
        out.append("\\label{\(label)}")
        out.append("\\begin{tabular}{l" + String(repeating: "c", count: columns.count) + "}")
        out.append("\\toprule")
        // Spanning header row, when any column has a group.
        let spans = headerSpans()
        if spans.contains(where: { $0.title != nil }) {
            var cells: [String] = [""]
            var rules: [String] = []
            var col = 2
            for s in spans {
                if let t = s.title {
                    cells.append("\\multicolumn{\(s.count)}{c}{\(ResultsTable.latexText(t))}")
                    rules.append("\\cmidrule(lr){\(col)-\(col + s.count - 1)}")
                } else { cells.append(contentsOf: Array(repeating: "", count: s.count)) }
                col += s.count
            }
            out.append(cells.joined(separator: " & ") + " \\\\")
            out.append(rules.joined(separator: " "))
        }
        out.append(([ResultsTable.latexText(rowHeader)] + columns.map { ResultsTable.latexText($0.title) }).joined(separator: " & ") + " \\\\")
        out.append("\\midrule")
        for (gi, g) in groups.enumerated() {
            if gi > 0 { out.append("\\midrule") }
            for (ri, r) in g.rows.enumerated() {
                let cells = r.cells.enumerated().map { ci, c in latexCell(c, bold: isBest(group: gi, row: ri, column: ci)) }
                out.append(([ResultsTable.latexText(r.label)] + cells).joined(separator: " & ") + " \\\\")
            }
        }
        out.append("\\bottomrule")
        out.append("\\end{tabular}")
        if let note { out.append("\\\\[2pt]{\\footnotesize \(ResultsTable.latexText(note))}") }
        out.append("\\end{table}")
        return out.joined(separator: "\n") + "\n"
    }

    func latexCell(_ c: TableCell, bold: Bool) -> String {
        switch c {
        case .estimate(let m, let s):
            return bold ? "$\\mathbf{\(format(m))} \\pm \\mathbf{\(format(s))}$" : "$\(format(m)) \\pm \(format(s))$"
        case .value(let v): return bold ? "$\\mathbf{\(format(v))}$" : "$\(format(v))$"
        case .text(let t): return ResultsTable.latexText(t)
        case .missing: return "--"
        }
    }

    /// Text as one Markdown table cell: a "|" inside it ("|c| < 3") would end the cell, so it is escaped.
    public static func markdownCell(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|") }

    /// A GitHub-flavoured Markdown table (best in each group in bold), for the README.
    public func markdown() -> String {
        var lines: [String] = []
        let cell = Self.markdownCell
        let headers = columns.map { c in c.group.map { "\($0): \(c.title)" } ?? c.title }
        lines.append("| " + ([rowHeader] + headers).map(cell).joined(separator: " | ") + " |")
        lines.append("|" + String(repeating: " --- |", count: columns.count + 1))
        for (gi, g) in groups.enumerated() {
            for (ri, r) in g.rows.enumerated() {
                let cells = r.cells.enumerated().map { ci, c -> String in
                    let s: String
                    switch c {
                    case .estimate(let m, let e): s = "\(format(m)) ± \(format(e))"
                    case .value(let v): s = format(v)
                    case .text(let t): s = t
                    case .missing: s = "–"
                    }
                    return isBest(group: gi, row: ri, column: ci) ? "**\(s)**" : s
                }
                lines.append("| " + ([r.label] + cells).map(cell).joined(separator: " | ") + " |")
            }
        }
        if let note { lines.append(""); lines.append("*\(note)*") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The raw numbers, as pretty-printed JSON with sorted keys.
    public func json() throws -> Data {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try enc.encode(self)
    }

    /// Writes `name.tex`, `name.md` and `name.json` into `directory`, each atomically.
    public func write(to directory: URL, name: String) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try writeAtomically(Data(latex().utf8), to: directory.appendingPathComponent("\(name).tex"))
        try writeAtomically(Data(markdown().utf8), to: directory.appendingPathComponent("\(name).md"))
        try writeAtomically(json(), to: directory.appendingPathComponent("\(name).json"))
    }

    struct Span { let title: String?; let count: Int }

    func headerSpans() -> [Span] {
        var spans: [Span] = []
        for c in columns {
            if let last = spans.last, last.title != nil, last.title == c.group {
                spans[spans.count - 1] = Span(title: last.title, count: last.count + 1)
            } else { spans.append(Span(title: c.group, count: 1)) }
        }
        return spans
    }

    /// Escapes LaTeX's special characters.
    static func escape(_ s: String) -> String {
        var out = ""
        for ch in s {
            switch ch {
            case "\\": out += "\\textbackslash{}"
            case "&", "%", "$", "#", "_", "{", "}": out += "\\\(ch)"
            case "~": out += "\\textasciitilde{}"
            case "^": out += "\\textasciicircum{}"
            case "±": out += "$\\pm$"
            case "↑": out += "$\\uparrow$"
            case "↓": out += "$\\downarrow$"
            case "–": out += "--"
            case "Δ": out += "$\\Delta$"
            case "μ": out += "$\\mu$"
            case "σ": out += "$\\sigma$"
            case "β": out += "$\\beta$"
            case "ℓ": out += "$\\ell$"
            case "‖": out += "$\\|$"
            case "|": out += "$|$"
            case "−": out += "$-$"
            case "≤": out += "$\\le$"
            case "≥": out += "$\\ge$"
            case "→": out += "$\\to$"
            case "×": out += "$\\times$"
            case "₁": out += "$_1$"
            case "₂": out += "$_2$"
            case "²": out += "$^2$"
            case "³": out += "$^3$"
            case "₀": out += "$_0$"
            case "⁻": out += "$^{-}$"
            case "¹": out += "$^1$"
            case "⁴": out += "$^4$"
            case "⁵": out += "$^5$"
            case "⁶": out += "$^6$"
            case "≈": out += "$\\approx$"
            case "∈": out += "$\\in$"
            case "·": out += "$\\cdot$"
            case "λ": out += "$\\lambda$"
            case "π": out += "$\\pi$"
            case "ρ": out += "$\\rho$"
            case "θ": out += "$\\theta$"
            case "∞": out += "$\\infty$"
            case "√": out += "$\\surd$"
            case "…": out += "\\ldots{}"
            case "′": out += "$'$"
            case "<": out += "$<$"
            case ">": out += "$>$"
            default: out.append(ch)
            }
        }
        return out
    }

    /// Escapes text and turns "X\u{303}" (combining tilde) into `$\tilde{\mathrm{X}}$` (public as `LaTeX.text`).
    static func latexText(_ s: String) -> String {
        var out = ""
        var pending: Character?
        for ch in s.decomposedStringWithCanonicalMapping {   // Ẽ (U+1EBC) → E + U+0303
            // Swift keeps a base letter and its combining tilde in one Character.
            let scalars = ch.unicodeScalars
            if scalars.count == 2, scalars.last == "\u{0303}" {
                if let p = pending { out += escape(String(p)); pending = nil }
                out += "$\\tilde{\\mathrm{\(escape(String(scalars.first!)))}}$"
            } else {
                if let p = pending { out += escape(String(p)) }
                pending = ch
            }
        }
        if let p = pending { out += escape(String(p)) }
        return out
    }
}

/// LaTeX text from Unicode prose: special characters escaped, Greek letters and mathematical signs as math,
/// "T\u{303}" as `$\tilde{\mathrm{T}}$`.
public enum LaTeX {
    public static func text(_ s: String) -> String { ResultsTable.latexText(s) }
}

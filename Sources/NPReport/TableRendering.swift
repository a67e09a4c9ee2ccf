import AtomicFile
import Foundation

extension ResultsTable {
    /// The label as printed: `label` with the scale appended (`tab:gibbs1d-loglik-standard`), so that the same
    /// table at two scales can sit in one document; unchanged when `scale` is nil or the label already ends with it.
    public func label(scale: String?) -> String {
        guard let scale, !scale.isEmpty else { return label }
        let suffix = "-" + scale.map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined()
        return label.hasSuffix(suffix) ? label : label + suffix
    }

    /// LaTeX with booktabs: spanning headers with `\cmidrule`, a `\midrule` between row groups, the best
    /// of each group in bold, `mean ± s.e.` as `$m \pm s$`, missing cells as an en dash (`--`).
    /// Needs `\usepackage{booktabs}` (and `graphicx` for the few tables too wide even in `\scriptsize`, which are
    /// scaled with `\resizebox`), and fits a plain article's `\textwidth` (345 pt) or wider: long text
    /// columns wrap (ragged right, in `p{}` columns, rows then end with `\tabularnewline`), numeric headers go
    /// over lines, and a wide table is set smaller (see `TableLayout`). `scale` goes into the label.
    public func latex(scale: String? = nil) -> String {
        let layout = layout()
        var out: [String] = []
        out.append("\\begin{table}[t]")
        out.append("\\centering")
        out.append("\\caption{\(ResultsTable.latexText(caption))}")
        out.append("\\label{\(label(scale: scale))}")
        var setting: [String] = []
        if layout.font != .normal { setting.append(layout.font.rawValue) }
        if layout.columnSeparation != 6 { setting.append("\\setlength{\\tabcolsep}{\(Int(layout.columnSeparation))pt}") }
        if !setting.isEmpty { out.append(setting.joined()) }
        if layout.resized { out.append("\\resizebox{\\linewidth}{!}{%") }
        out.append("\\begin{tabular}{\(layout.columnSpec)}")
        out.append("\\toprule")
        let wrapsAny = layout.columns.contains { $0.isWrapped }
        // With ragged-right p{} columns `\\` would end a line inside the last cell, not the row.
        let endRow = wrapsAny ? " \\tabularnewline" : " \\\\"
        func cell(_ text: String, column c: Int) -> String {
            layout.columns[c].isWrapped && !text.isEmpty ? "\\raggedright " + text : text
        }
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
            out.append(cells.joined(separator: " & ") + endRow)
            out.append(rules.joined(separator: " "))
        }
        let headers = columns.indices.map { c -> String in
            let lines = layout.headerLines[c]
            if lines.count > 1 {
                return "\\begin{tabular}[b]{@{}c@{}}" + lines.map(ResultsTable.latexText).joined(separator: "\\\\") + "\\end{tabular}"
            }
            return cell(ResultsTable.latexText(columns[c].title), column: c + 1)
        }
        out.append(([cell(ResultsTable.latexText(rowHeader), column: 0)] + headers).joined(separator: " & ") + endRow)
        out.append("\\midrule")
        for (gi, g) in groups.enumerated() {
            if gi > 0 { out.append("\\midrule") }
            for (ri, r) in g.rows.enumerated() {
                let cells = r.cells.enumerated().map { ci, c in
                    cell(latexCell(c, column: ci, bold: isBest(group: gi, row: ri, column: ci), stacked: layout.stacked), column: ci + 1)
                }
                out.append(([cell(ResultsTable.latexText(r.label), column: 0)] + cells).joined(separator: " & ") + endRow)
            }
        }
        out.append("\\bottomrule")
        out.append("\\end{tabular}")
        if layout.resized { out.append("}") }
        if let note { out.append("\\\\[2pt]{\\footnotesize \(ResultsTable.latexText(note))}") }
        out.append("\\end{table}")
        return out.joined(separator: "\n") + "\n"
    }

    /// A cell's LaTeX; `stacked` sets `mean ± s.e.` over two lines (the mean above, `± s.e.` below).
    func latexCell(_ c: TableCell, column: Int, bold: Bool, stacked: Bool = false) -> String {
        switch c {
        case .estimate(let m, let s):
            let (m, s) = (format(m, column: column), format(s, column: column))
            if stacked {
                let (a, b) = bold ? ("\\mathbf{\(m)}", "\\mathbf{\(s)}") : (m, s)
                return "\\begin{tabular}[t]{@{}c@{}}$\(a)$\\\\$\\pm \(b)$\\end{tabular}"
            }
            return bold ? "$\\mathbf{\(m)} \\pm \\mathbf{\(s)}$" : "$\(m) \\pm \(s)$"
        case .value(let v): return bold ? "$\\mathbf{\(format(v, column: column))}$" : "$\(format(v, column: column))$"
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
                    case .estimate(let m, let e): s = "\(format(m, column: ci)) ± \(format(e, column: ci))"
                    case .value(let v): s = format(v, column: ci)
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

    /// Writes `name.tex`, `name.md` and `name.json` into `directory`, each atomically; `scale` (the scale the
    /// numbers were produced at) goes into the LaTeX label, so that labels are unique across scales.
    public func write(to directory: URL, name: String, scale: String? = nil) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try writeAtomically(Data(latex(scale: scale).utf8), to: directory.appendingPathComponent("\(name).tex"))
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

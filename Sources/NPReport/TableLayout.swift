import Foundation

/// How a table is set so that it fits the width of a page: the font size, the column separation, and which text
/// columns wrap (and how wide they are).
///
/// The width of every cell is estimated from its characters (Computer Modern / Latin Modern widths at 10 pt,
/// with a safety margin), for the narrowest common page: a plain `\documentclass{article}` at 10 pt, whose
/// `\textwidth` is 345 pt. Wrapped columns are given as fractions of `\linewidth`, so on a wider page they grow
/// and the table still fits. The choices are tried in order, and the first that fits is taken:
///
/// 0. as it is, when it fits: the normal font, headers on one line, nothing wrapped;
/// 1. the normal font with 6 pt column separation, numeric headers over lines, text columns (row labels, free-text columns) wrapped in
///    ragged-right `p{}` columns where the text is longer than its share;
/// 2. the same in `\small` (5 pt separation), then `\footnotesize` (4 pt, then 3 pt);
/// 3. `\footnotesize` with each `mean ± s.e.` stacked over two lines (the mean above, `± s.e.` below), then the
///    same in `\scriptsize` (2 pt).
///
/// A wrapped column is never narrower than its longest word, nor than `minimumWrapWidth` (so that wrapping
/// does not become a column of single words); numeric columns never wrap (their headers may, over lines).
/// Only when even `\scriptsize` does not fit is the table scaled down with `\resizebox` (needs graphicx), the
/// last resort.
public struct TableLayout: Equatable, Sendable {
    /// `\textwidth` of `\documentclass{article}` at 10 pt: the page width tables are made to fit.
    public static let pageWidth = 345.0
    /// The narrowest a wrapped text column is made, in pt at 10 pt (scaled with the font).
    public static let minimumWrapWidth = 50.0

    public enum Font: String, Sendable, CaseIterable {
        case normal = "", small = "\\small", footnotesize = "\\footnotesize", scriptsize = "\\scriptsize"
        /// Size relative to 10 pt.
        var scale: Double {
            // Not 0.9, 0.8, 0.7: the smaller optical sizes of Computer Modern are relatively wider (a digit is
            // 5 pt at 10 pt, 4.25 pt at 8 pt, 4.09 pt at 7 pt).
            switch self { case .normal: return 1; case .small: return 0.93; case .footnotesize: return 0.86; case .scriptsize: return 0.82 }
        }
    }
    /// A column: its natural alignment, or wrapped at a width (a fraction of `\linewidth`).
    public enum Column: Equatable, Sendable {
        case left, centre
        case wrapped(fraction: Double)
        public var isWrapped: Bool { if case .wrapped = self { return true } else { return false } }
    }

    public var font: Font
    /// `\tabcolsep` in pt (6 pt is LaTeX's default, and then it is not set).
    public var columnSeparation: Double
    /// The row-label column first, then one per data column.
    public var columns: [Column]
    /// Numeric columns' headers broken over lines (one entry per data column; one line: not broken).
    public var headerLines: [[String]]
    /// Whether `mean ± s.e.` cells are stacked over two lines (mean above, `± s.e.` below).
    public var stacked: Bool
    /// Whether the table had to be scaled to `\linewidth` (nothing else fitted).
    public var resized: Bool
    /// Estimated width in pt (before any resizing).
    public var estimatedWidth: Double

    /// The column specification, with `@{}` at both edges (booktabs style).
    public var columnSpec: String {
        "@{}" + columns.map { c -> String in
            switch c {
            case .left: return "l"
            case .centre: return "c"
            case .wrapped(let f): return "p{\(String(format: "%.3f", f))\\linewidth}"
            }
        }.joined() + "@{}"
    }
}

/// Estimates of printed widths (pt at 10 pt) of the Unicode text a table shows.
enum TextWidth {
    static let lower: [Character: Double] = [
        "a": 5, "b": 5.6, "c": 4.4, "d": 5.6, "e": 4.4, "f": 3.1, "g": 5, "h": 5.6, "i": 2.8, "j": 3.1, "k": 5.3,
        "l": 2.8, "m": 8.3, "n": 5.6, "o": 5, "p": 5.6, "q": 5.3, "r": 3.9, "s": 3.9, "t": 3.9, "u": 5.6, "v": 5.3,
        "w": 7.2, "x": 5.3, "y": 5.3, "z": 4.4,
    ]
    static let upper: [Character: Double] = [
        "A": 7.5, "B": 7.1, "C": 7.2, "D": 7.6, "E": 6.8, "F": 6.5, "G": 7.8, "H": 7.5, "I": 3.6, "J": 5.1, "K": 7.8,
        "L": 6.3, "M": 9.2, "N": 7.5, "O": 7.8, "P": 6.8, "Q": 7.8, "R": 7.4, "S": 5.6, "T": 7.2, "U": 7.5, "V": 7.5,
        "W": 10.3, "X": 7.5, "Y": 7.5, "Z": 6.1,
    ]

    /// Width of one character as the renderer prints it (math signs with their spacing).
    static func of(_ ch: Character) -> Double {
        // A letter with a combining tilde prints as a math-italic letter with a tilde on top.
        if ch.unicodeScalars.count > 1, let base = ch.unicodeScalars.first { return of(Character(base)) }
        if let w = lower[ch] ?? upper[ch] { return w }
        switch ch {
        case "0"..."9": return 5
        case ".", ",", ":", ";", "'", "!", "|", "[", "]": return 2.8
        case "(", ")": return 3.9
        case "-": return 3.3
        case " ": return 3.3
        case "/", "_", "?": return 5
        case "%", "#", "&", "@", "—", "‖": return 8.3
        // In text each is its own formula (`$-$`), so without the spacing of a binary operator.
        case "−", "±", "<", ">", "≤", "≥", "=", "→", "×", "≈", "∈", "+": return 7.8
        case "…": return 10
        case "“", "”", "‘", "’", "\"": return 5
        default: return 6
        }
    }

    /// Estimated width of `s` in pt at 10 pt (`bold` widens by an eighth).
    static func of(_ s: String, bold: Bool = false) -> Double {
        let w = s.reduce(0) { $0 + of($1) }
        return bold ? w * 1.125 : w
    }

    /// The widest word of `s` (breaks at spaces only).
    static func widestWord(_ s: String) -> Double {
        s.split(separator: " ").map { of(String($0)) }.max() ?? 0
    }
}

extension ResultsTable {
    /// Whether data column `c` holds numbers (then it is centred and never wrapped); otherwise it is text.
    func isNumeric(column c: Int) -> Bool {
        groups.contains { g in g.rows.contains { r in
            switch r.cells[c] { case .estimate, .value: return true; default: return false }
        } }
    }

    /// A cell as printed (Unicode), for width estimates.
    func printed(_ cell: TableCell, column c: Int) -> String {
        switch cell {
        // `$m \pm s$`: the two spaces stand for the binary operator's spacing.
        case .estimate(let m, let s): return "\(format(m, column: c).replacingOccurrences(of: "-", with: "−")) ± \(format(s, column: c))"
        case .value(let v): return format(v, column: c).replacingOccurrences(of: "-", with: "−")
        case .text(let t): return t
        case .missing: return "–"
        }
    }

    /// The layout that makes the table fit `width` pt (see `TableLayout`).
    public func layout(width: Double = TableLayout.pageWidth) -> TableLayout {
        let safety = 1.06
        let n = columns.count
        // Per column (0: row labels): natural one-line width, narrowest it may wrap to, whether it may wrap.
        var natural = [Double](repeating: 0, count: n + 1)
        var narrowest = [Double](repeating: 0, count: n + 1)
        var numeric = [Bool](repeating: false, count: n + 1)
        var bodyWidth = [Double](repeating: 0, count: n + 1)   // numeric: widest cell
        var stackedWidth = [Double](repeating: 0, count: n + 1)   // the same with estimates over two lines
        natural[0] = TextWidth.of(rowHeader); narrowest[0] = TextWidth.widestWord(rowHeader)
        for g in groups { for r in g.rows {
            natural[0] = max(natural[0], TextWidth.of(r.label)); narrowest[0] = max(narrowest[0], TextWidth.widestWord(r.label))
        } }
        for c in 0..<n {
            numeric[c + 1] = isNumeric(column: c)
            var widest = 0.0, widestStacked = 0.0, word = TextWidth.widestWord(columns[c].title)
            for (gi, g) in groups.enumerated() { for (ri, r) in g.rows.enumerated() {
                let bold = isBest(group: gi, row: ri, column: c)
                let text = printed(r.cells[c], column: c)
                widest = max(widest, TextWidth.of(text, bold: bold))
                widestStacked = max(widestStacked, text.split(separator: "±").map { TextWidth.of($0.trimmingCharacters(in: .whitespaces), bold: bold) + 7.8 }.max() ?? 0)
                if !numeric[c + 1] { word = max(word, TextWidth.widestWord(text)) }
            } }
            bodyWidth[c + 1] = widest
            stackedWidth[c + 1] = widestStacked
            natural[c + 1] = max(widest, TextWidth.of(columns[c].title))
            narrowest[c + 1] = word
        }
        let settings: [(TableLayout.Font, Double, Bool)] = [(.normal, 6, false), (.small, 5, false), (.footnotesize, 4, false),
                                                            (.footnotesize, 3, false), (.footnotesize, 3, true), (.scriptsize, 2, true)]
        // A table that fits as it is stays as it is (headers on one line, nothing wrapped, the normal font).
        let plain = natural.reduce(0, +) * safety + 12 * Double(n)
        if plain <= width {
            return finish(font: .normal, sep: 6, stacked: false, wrapped: [:], numeric: numeric, bodyWidth: natural, estimated: plain)
        }
        for (font, sep, stack) in settings {
            let s = font.scale * safety
            let usable = width - 2 * sep * Double(n)   // n + 1 columns, no separation at the outer edges
            let body = stack ? stackedWidth : bodyWidth
            // A numeric column is as wide as its widest number or its header's widest word.
            let fixed = (0...n).filter { numeric[$0] }.reduce(0.0) {
                $0 + max(body[$1], TextWidth.widestWord(columns[$1 - 1].title)) * s
            }
            let text = (0...n).filter { !numeric[$0] }
            if fixed + text.reduce(0.0, { $0 + natural[$1] * s }) <= usable {
                return finish(font: font, sep: sep, stacked: stack, wrapped: [:], numeric: numeric, bodyWidth: body,
                              estimated: fixed + text.reduce(0.0, { $0 + natural[$1] * s }) + 2 * sep * Double(n))
            }
            // Water-filling: every text column gets min(natural, level), but at least its floor.
            let floors = Dictionary(uniqueKeysWithValues: text.map { ($0, max(narrowest[$0], min(natural[$0], TableLayout.minimumWrapWidth)) * s) })
            let available = usable - fixed
            guard floors.values.reduce(0, +) <= available else { continue }
            var lo = 0.0, hi = available
            for _ in 0..<60 {
                let level = (lo + hi) / 2
                let total = text.reduce(0.0) { $0 + max(floors[$1]!, min(natural[$1] * s, level)) }
                if total <= available { lo = level } else { hi = level }
            }
            var wrapped: [Int: Double] = [:]
            for c in text where natural[c] * s > lo { wrapped[c] = max(floors[c]!, lo) }
            return finish(font: font, sep: sep, stacked: stack, wrapped: wrapped, numeric: numeric, bodyWidth: body,
                          estimated: fixed + text.reduce(0.0, { $0 + (wrapped[$1] ?? natural[$1] * s) }) + 2 * sep * Double(n))
        }
        var last = finish(font: .scriptsize, sep: 2, stacked: true, wrapped: [:], numeric: numeric, bodyWidth: stackedWidth,
                          estimated: natural.reduce(0, +) * TableLayout.Font.scriptsize.scale * safety + 4 * Double(n))
        last.resized = true
        return last
    }

    private func finish(font: TableLayout.Font, sep: Double, stacked: Bool, wrapped: [Int: Double], numeric: [Bool], bodyWidth: [Double],
                        estimated: Double) -> TableLayout {
        let cols: [TableLayout.Column] = (0...columns.count).map { c in
            if let w = wrapped[c] { return .wrapped(fraction: w / TableLayout.pageWidth) }
            return c == 0 || !numeric[c] ? .left : .centre
        }
        // Numeric headers longer than their numbers go over lines no wider than the numbers (or the widest word).
        let headers = columns.enumerated().map { c, col -> [String] in
            guard numeric[c + 1] else { return [col.title] }
            let limit = max(bodyWidth[c + 1], TextWidth.widestWord(col.title))
            var lines: [String] = []
            for word in col.title.split(separator: " ").map(String.init) {
                if let last = lines.last, TextWidth.of(last + " " + word) <= limit { lines[lines.count - 1] = last + " " + word }
                else { lines.append(word) }
            }
            return lines.isEmpty ? [col.title] : lines
        }
        return TableLayout(font: font, columnSeparation: sep, columns: cols, headerLines: headers, stacked: stacked, resized: false, estimatedWidth: estimated)
    }
}

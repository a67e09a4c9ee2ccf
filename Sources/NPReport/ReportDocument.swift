import Foundation

/// A reproduction report as data — a summary with the scoreboard and the opening tables, then per experiment its
/// tables, figures, claim verdicts, deviations and provenance — rendered to one LaTeX document that compiles with
/// the TeX Live packages the project installs (booktabs, graphicx, longtable, geometry). Tables and figures carry
/// the paper's numbers ("2" for the paper's Table 2); outputs beyond the paper are numbered S1, S2, ….
public struct ReportDocument: Sendable {
    public struct Figure: Sendable {
        /// A path the LaTeX run can read (relative to the document's folder or absolute).
        public var path: String
        public var caption: String
        /// The number printed in the caption ("2", "S1").
        public var number: String
        public init(path: String, caption: String, number: String) { self.path = path; self.caption = caption; self.number = number }
    }
    /// A `.tex` table to `\input`, with the number its caption prints.
    public struct Table: Sendable {
        public var path: String
        public var number: String
        public init(path: String, number: String) { self.path = path; self.number = number }
    }
    /// One row of the scoreboard: an experiment's claims at the report's scale.
    public struct ScoreRow: Sendable {
        public var experiment: String
        public var claims: Int
        public var supported: Int
        public var contradicted: Int
        public var notResolved: Int
        public var budget: String
        public init(experiment: String, claims: Int, supported: Int, contradicted: Int, notResolved: Int, budget: String) {
            self.experiment = experiment; self.claims = claims; self.supported = supported; self.contradicted = contradicted
            self.notResolved = notResolved; self.budget = budget
        }
    }
    /// One row of the claims table.
    public struct ClaimRow: Sendable {
        public var claim: String
        public var test: String
        public var difference: String
        public var verdict: String
        public init(claim: String, test: String, difference: String, verdict: String) {
            self.claim = claim; self.test = test; self.difference = difference; self.verdict = verdict
        }
    }
    public struct Section: Sendable {
        public var title: String
        /// Prose paragraphs (Unicode; escaped on rendering).
        public var paragraphs: [String]
        /// `.tex` tables to `\input` (paths the LaTeX run can read).
        public var tables: [Table]
        public var figures: [Figure]
        public var claims: [ClaimRow]
        /// One line per output: file, commit, scale, seconds.
        public var provenance: [String]
        public init(title: String, paragraphs: [String], tables: [Table], figures: [Figure], claims: [ClaimRow], provenance: [String]) {
            self.title = title; self.paragraphs = paragraphs; self.tables = tables; self.figures = figures
            self.claims = claims; self.provenance = provenance
        }
    }

    public var title: String
    public var summary: [String]
    /// The claims scoreboard, right after the summary.
    public var scoreboard: [ScoreRow]
    /// Tables shown after the scoreboard, before the experiments (the paper's Table 1).
    public var opening: [Table]
    public var sections: [Section]
    public init(title: String, summary: [String], scoreboard: [ScoreRow] = [], opening: [Table] = [], sections: [Section]) {
        self.title = title; self.summary = summary; self.scoreboard = scoreboard; self.opening = opening; self.sections = sections
    }

    /// The LaTeX of one table input under its own number.
    static func input(_ table: Table) -> String {
        "\\renewcommand{\\thetable}{\(LaTeX.text(table.number))}\n\\input{\(table.path)}\n\n"
    }

    /// The scoreboard as a table (no float, so that it stays on the first page).
    func scoreboardLaTeX() -> String {
        guard !scoreboard.isEmpty else { return "" }
        var t = "\\subsection*{The paper's claims at this scale}\n{\\small\n\\begin{longtable}{>{\\raggedright\\arraybackslash}p{0.23\\textwidth}rrrr>{\\raggedright\\arraybackslash}p{0.23\\textwidth}}\n\\toprule\nExperiment & Claims & Supported & Contradicted & Not resolved & Budget \\\\\n\\midrule\n"
        for r in scoreboard {
            t += "\(LaTeX.text(r.experiment)) & \(r.claims) & \(r.supported) & \(r.contradicted) & \(r.notResolved) & \(LaTeX.text(r.budget)) \\\\\n"
        }
        return t + "\\bottomrule\n\\end{longtable}\n}\n\n"
    }

    public func latex() -> String {
        var t = """
        \\documentclass[10pt]{article}
        \\usepackage[T1]{fontenc}
        \\usepackage[utf8]{inputenc}
        \\usepackage{lmodern}
        \\usepackage[a4paper,margin=2cm]{geometry}
        \\usepackage{booktabs}
        \\usepackage{graphicx}
        \\usepackage{float}
        \\usepackage{longtable}
        \\usepackage{array}
        \\setlength{\\emergencystretch}{3em}
        \\begin{document}
        \\title{\(LaTeX.text(title))}
        \\date{}
        \\maketitle

        """
        for p in summary { t += LaTeX.text(p) + "\n\n" }
        t += scoreboardLaTeX()
        for table in opening { t += Self.input(table) }
        for s in sections {
            t += "\\clearpage\n\\section{\(LaTeX.text(s.title))}\n\n"
            for p in s.paragraphs { t += LaTeX.text(p) + "\n\n" }
            if !s.claims.isEmpty {
                t += "\\subsection*{Claims and verdicts}\n{\\small\n\\begin{longtable}{>{\\raggedright\\arraybackslash}p{0.31\\textwidth}>{\\raggedright\\arraybackslash}p{0.3\\textwidth}>{\\raggedright\\arraybackslash}p{0.17\\textwidth}>{\\raggedright\\arraybackslash}p{0.12\\textwidth}}\n\\toprule\nClaim & Test & Difference $\\pm$ s.e. ($z$) & Verdict \\\\\n\\midrule\n\\endhead\n"
                for c in s.claims {
                    t += "\(LaTeX.text(c.claim)) & \(LaTeX.text(c.test)) & \(LaTeX.text(c.difference)) & \(LaTeX.text(c.verdict)) \\\\\n"
                }
                t += "\\bottomrule\n\\end{longtable}\n}\n\n"
            }
            for table in s.tables { t += Self.input(table) }
            for f in s.figures {
                t += "\\renewcommand{\\thefigure}{\(LaTeX.text(f.number))}\n\\begin{figure}[p]\n\\centering\n\\includegraphics[width=\\textwidth]{\(f.path)}\n\\caption{\(LaTeX.text(f.caption))}\n\\end{figure}\n\n"
            }
            if !s.provenance.isEmpty {
                t += "\\subsection*{Provenance}\n{\\footnotesize\n\\begin{itemize}\n"
                for p in s.provenance { t += "\\item \(LaTeX.text(p))\n" }
                t += "\\end{itemize}\n}\n\n"
            }
        }
        t += "\\end{document}\n"
        return t
    }
}

/// The numbers the report prints: a paper item's own ("Table 2" → 2, "Figure 6" → 6), else S1, S2, … in order of
/// appearance, counted separately for tables and figures.
public struct ReportNumbering: Sendable {
    public enum Kind: String, Sendable { case table = "Table", figure = "Figure" }
    /// Files already shown (the opening Table 1), left out of the sections.
    public let skipped: Set<String>
    private var supplementary: [Kind: Int] = [:]

    public init(skipping: Set<String> = []) { skipped = skipping }

    public mutating func next(_ kind: Kind, paperItem: String) -> String {
        let words = paperItem.split(separator: " ")
        if words.count >= 2, words[0] == kind.rawValue, let n = Int(words[1]) { return String(n) }
        supplementary[kind, default: 0] += 1
        return "S\(supplementary[kind]!)"
    }
}

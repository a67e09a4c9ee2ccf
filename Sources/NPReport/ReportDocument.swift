import Foundation

/// A reproduction report as data — a title page, then per experiment its tables, figures, claim verdicts,
/// deviations and provenance — rendered to one LaTeX document that compiles with the TeX Live packages the
/// project installs (booktabs, graphicx, longtable, geometry).
public struct ReportDocument: Sendable {
    public struct Figure: Sendable {
        /// A path the LaTeX run can read (relative to the document's folder or absolute).
        public var path: String
        public var caption: String
        public init(path: String, caption: String) { self.path = path; self.caption = caption }
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
        public var tables: [String]
        public var figures: [Figure]
        public var claims: [ClaimRow]
        /// One line per output: file, commit, scale, seconds.
        public var provenance: [String]
        public init(title: String, paragraphs: [String], tables: [String], figures: [Figure], claims: [ClaimRow], provenance: [String]) {
            self.title = title; self.paragraphs = paragraphs; self.tables = tables; self.figures = figures
            self.claims = claims; self.provenance = provenance
        }
    }

    public var title: String
    public var summary: [String]
    public var sections: [Section]
    public init(title: String, summary: [String], sections: [Section]) { self.title = title; self.summary = summary; self.sections = sections }

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
            for table in s.tables {
                t += "\\input{\(table)}\n\n"
            }
            for f in s.figures {
                t += "\\begin{figure}[p]\n\\centering\n\\includegraphics[width=\\textwidth]{\(f.path)}\n\\caption{\(LaTeX.text(f.caption))}\n\\end{figure}\n\n"
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

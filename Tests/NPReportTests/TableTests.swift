import Foundation
import NPReport
import Testing

@Suite struct TableTests {
    func example() throws -> ResultsTable {
        try ResultsTable(
            caption: "Average log-likelihoods (↑) & more.", label: "tab:x",
            columns: [TableColumn("ID", group: "1-D GP"), TableColumn("OOD", group: "1-D GP"), TableColumn("Δ (%)", preference: .lower)],
            groups: [
                RowGroup("A", [TableRow("TNP", [.estimate(mean: -0.5, standardError: 0.0041), .missing, .value(12.0)]),
                               TableRow("TNP (T\u{303})", [.estimate(mean: -0.4, standardError: 0.004), .estimate(mean: -1.25, standardError: 0.01), .value(8.5)])]),
                RowGroup("B", [TableRow("ConvCNP_x", [.estimate(mean: 0.1234, standardError: 0.0005), .text("n/a"), .missing])]),
            ], decimals: 2, note: "Scale: ci.")
    }

    @Test func latexIsExactlyAsExpected() throws {
        let expected = #"""
        \begin{table}[t]
        \centering
        \caption{Average log-likelihoods ($\uparrow$) \& more.}
        \label{tab:x}
        \begin{tabular}{@{}lccc@{}}
        \toprule
         & \multicolumn{2}{c}{1-D GP} &  \\
        \cmidrule(lr){2-3}
        Model & ID & OOD & $\Delta$ (\%) \\
        \midrule
        TNP & $-0.50 \pm 0.00$ & -- & $12.00$ \\
        TNP ($\tilde{\mathrm{T}}$) & $\mathbf{-0.40} \pm \mathbf{0.00}$ & $-1.25 \pm 0.01$ & $\mathbf{8.50}$ \\
        \midrule
        ConvCNP\_x & $0.12 \pm 0.00$ & n/a & -- \\
        \bottomrule
        \end{tabular}
        \\[2pt]{\footnotesize Scale: ci.}
        \end{table}

        """#
        #expect(try example().latex() == expected)
    }

    @Test func markdownIsExactlyAsExpected() throws {
        let expected = """
        | Model | 1-D GP: ID | 1-D GP: OOD | Δ (%) |
        | --- | --- | --- | --- |
        | TNP | -0.50 ± 0.00 | – | 12.00 |
        | TNP (T\u{303}) | **-0.40 ± 0.00** | -1.25 ± 0.01 | **8.50** |
        | ConvCNP_x | 0.12 ± 0.00 | n/a | – |

        *Scale: ci.*

        """
        #expect(try example().markdown() == expected)
    }

    @Test func markdownEscapesPipesInsideCells() throws {
        let t = try ResultsTable(caption: "c", label: "l", rowHeader: "d", columns: [TableColumn("|c| < 3", preference: .none)],
                                 groups: [RowGroup(nil, [TableRow("a|b", [.value(1)])])], decimals: 1)
        let lines = t.markdown().split(separator: "\n")
        #expect(lines[0] == "| d | \\|c\\| < 3 |")
        #expect(lines[2] == "| a\\|b | 1.0 |")
    }

    @Test func bestIsPerGroupAndTiesAtPrintedPrecisionAreAllBold() throws {
        let t = try ResultsTable(caption: "c", label: "l", columns: [TableColumn("v")],
                                 groups: [RowGroup(nil, [TableRow("a", [.value(1.001)]), TableRow("b", [.value(1.004)]), TableRow("c", [.value(0.9)])]),
                                          RowGroup(nil, [TableRow("d", [.value(-5)])])], decimals: 2)
        #expect(t.isBest(group: 0, row: 0, column: 0) && t.isBest(group: 0, row: 1, column: 0))
        #expect(!t.isBest(group: 0, row: 2, column: 0))
        #expect(!t.isBest(group: 1, row: 0, column: 0), "a group of one compares nothing")
    }

    @Test func jsonRoundTripsTheNumbers() throws {
        let t = try example()
        let back = try JSONDecoder().decode(ResultsTable.self, from: try t.json())
        #expect(back == t)
    }

    @Test func badTablesAreRejected() {
        #expect(throws: TableError.self) {
            try ResultsTable(caption: "c", label: "l", columns: [TableColumn("a"), TableColumn("b")], groups: [RowGroup(nil, [TableRow("x", [.missing])])])
        }
        #expect(throws: TableError.self) {
            try ResultsTable(caption: "c", label: "l", columns: [TableColumn("a")], groups: [RowGroup(nil, [TableRow("x", [.value(.nan)])])])
        }
    }

    /// The table compiles in a real LaTeX run with booktabs. CI installs TeX Live; on a machine without
    /// pdflatex the test records an issue rather than passing silently.
    @Test func compilesWithPdflatex() throws {
        guard let pdflatex = TableFitTests.pdflatex() else {
            Issue.record("pdflatex not found: install texlive-latex-base and texlive-latex-recommended (as .ci/run does)")
            return
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aenp-tex-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        // Throws when pdflatex fails; nil when nothing overflows.
        let overflow = try TableFitTests.overflow(ofTable: try example().latex(), in: dir, pdflatex: pdflatex)
        #expect(overflow == nil)
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("main.pdf").path))
    }
}

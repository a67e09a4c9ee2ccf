import Foundation
import Testing
@testable import NPReport

/// The report prints the paper's numbers for the paper's tables and figures and S-numbers for the rest, and opens
/// with the scoreboard and the opening tables.
@Suite struct ReportDocumentTests {
    @Test func paperItemsKeepTheirNumbersAndTheRestAreSupplementary() {
        var n = ReportNumbering()
        #expect(n.next(.table, paperItem: "Table 2") == "2")
        #expect(n.next(.table, paperItem: "Table 1 (1-D columns)") == "1")
        #expect(n.next(.table, paperItem: "AE - E differences (ours)") == "S1")
        #expect(n.next(.figure, paperItem: "Deviation map (ours)") == "S1")   // figures count apart from tables
        #expect(n.next(.table, paperItem: "Figure 2") == "S2")               // a figure item is no table number
        #expect(n.next(.figure, paperItem: "Figure 6") == "6")
        #expect(n.next(.table, paperItem: "Table") == "S3")
    }

    @Test func theDocumentOpensWithTheScoreboardThenTableOneThenTheSections() {
        let doc = ReportDocument(
            title: "t", summary: ["intro"],
            scoreboard: [.init(experiment: "1-D", claims: 20, supported: 15, contradicted: 3, notResolved: 2, budget: "30,000 steps")],
            opening: [.init(path: "/x/table1.tex", number: "1")],
            sections: [.init(title: "s", paragraphs: [], tables: [.init(path: "/x/t2.tex", number: "2")],
                             figures: [.init(path: "/x/f.pdf", caption: "c", number: "S1")], claims: [], provenance: [])])
        let tex = doc.latex()
        let board = tex.range(of: "1-D & 20 & 15 & 3 & 2 & 30,000 steps")!, one = tex.range(of: "\\renewcommand{\\thetable}{1}\n\\input{/x/table1.tex}")!
        let section = tex.range(of: "\\section{s}")!, two = tex.range(of: "\\renewcommand{\\thetable}{2}\n\\input{/x/t2.tex}")!
        #expect(board.lowerBound < one.lowerBound && one.lowerBound < section.lowerBound && section.lowerBound < two.lowerBound)
        #expect(tex.contains("\\renewcommand{\\thefigure}{S1}\n\\begin{figure}"))
    }
}

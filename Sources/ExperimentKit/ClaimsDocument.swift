import Foundation
import NPReport
import NPTraining

/// The claim verdicts as the README (a scoreboard), the results pages of `Docs/` (every claim) and the report show them, generated from `EvaluatedClaim`s so that the prose
/// can never drift from the numbers.
public enum ClaimsDocument {
    /// A Markdown table: claim, test, difference ± s.e. (z), across seeds, verdict with its deciding statistic.
    public static func markdown(_ claims: [EvaluatedClaim]) -> String {
        var lines = ["| claim (paper item) | test | difference ± s.e. (z), one seed | across seeds | verdict (statistic / needed) |", "|---|---|---|---|---|"]
        for c in claims {
            let d = c.difference.map { String(format: "%+.3f ± %.3f (z = %.1f)", $0.mean, $0.standardError, $0.standardErrors) } ?? "–"
            let s = c.acrossSeeds.map { String(format: "%+.3f ± %.3f (%d seeds, z = %.1f)", $0.mean, $0.standardError, $0.count, $0.standardErrors) } ?? "–"
            let verdict = (c.verdict == .supported ? "**supported**" : c.verdict.display) + decision(c)
            let cell = ResultsTable.markdownCell
            lines.append("| \(cell(c.claim.statement)) (\(c.claim.paperItem)) | \(cell(c.claim.test)); \(cell(c.detail)) | \(d) | \(s) | \(verdict) |")
        }
        return lines.joined(separator: "\n")
    }

    /// What `decision(_:)` adds to a verdict, in words, for table captions.
    public static let decisionNote = "the verdict with, in brackets, the deciding statistic (the deciding estimate's distance from the claim's boundary in its standard errors) and the value it needed"

    /// " (41.8 / 19.2)": the deciding statistic (`Verdict.statistic`) and the standard errors it needed.
    public static func decision(_ c: EvaluatedClaim) -> String {
        guard let needed = c.criticalValue else { return "" }
        return String(format: " (%@ / %.1f)", c.statistic.map { String(format: "%.1f", $0) } ?? "∞", needed)
    }

    /// The verdicts of every scale that has them, largest scale first (the README's verdicts are read
    /// from the largest scale that has been run; the smaller ones stay beside it for comparison). One scale gives
    /// the plain table of `markdown(_:)`.
    public static func markdown(byScale scales: [(scale: String, claims: [EvaluatedClaim])]) -> String {
        guard scales.count > 1 else { return scales.first.map { markdown($0.claims) } ?? "" }
        return scales.enumerated().map { i, s in
            let pending = s.claims.filter { $0.verdict == .notMeasured }.count
            let heading = i == 0
                ? "**Scale `\(s.scale)`**, the largest that has been run: the verdicts in the text are read from it"
                    + (pending > 0 ? " (\(pending) of \(s.claims.count) claims wait for runs still in training)." : ".")
                : "**Scale `\(s.scale)`**, for comparison."
            return heading + "\n\n" + markdown(s.claims)
        }.joined(separator: "\n\n")
    }

    /// One row of the README's scoreboard: an experiment's verdicts at the largest scale that has been run.
    public struct ScoreboardRow: Sendable {
        /// What the experiment is ("Synthetic 1-D regression …").
        public var title: String
        /// The scale the verdicts come from ("standard").
        public var scale: String
        /// The page with the experiment's full claims table, relative to the README ("Docs/results-gibbs1d.md").
        public var page: String
        public var claims: [EvaluatedClaim]
        /// The training budget of that scale (`PaperExperiment.budgetSummary`).
        public var budget: String

        /// The experiment's name (`PaperExperiment.experimentName`), which the central claims are keyed by.
        public var experiment: String
        /// A few words for the experiment in tables with many rows per experiment ("1-D GP", "smoke", …).
        public var shortTitle: String

        public init(title: String, scale: String, page: String, claims: [EvaluatedClaim], budget: String,
                    experiment: String = "", shortTitle: String = "") {
            self.title = title; self.scale = scale; self.page = page; self.claims = claims; self.budget = budget
            self.experiment = experiment; self.shortTitle = shortTitle.isEmpty ? title : shortTitle
        }

        /// How many of the claims have this verdict.
        public func count(_ verdict: Verdict) -> Int { claims.filter { $0.verdict == verdict }.count }
    }

    /// The README's scoreboard: one row per experiment with its scale and how many claims are supported,
    /// contradicted and not resolved, linking to the page that lists every claim. Claims whose runs do not exist
    /// yet are counted in a note below the table, never as a verdict.
    public static func scoreboard(_ rows: [ScoreboardRow]) -> String {
        let cell = ResultsTable.markdownCell
        var lines = ["| experiment | scale and budget of the verdicts (paper: 500,000 steps) | claims | supported | contradicted at this budget | not resolved | every claim |",
                     "|---|---|---:|---:|---:|---:|---|"]
        for r in rows {
            lines.append("| \(cell(r.title)) | `\(r.scale)`: \(cell(r.budget)) | \(r.claims.count) | \(r.count(.supported)) | \(r.count(.contradicted)) | \(r.count(.notResolved)) | [\(cell(r.page))](\(r.page)) |")
        }
        let pending = rows.filter { $0.count(.notMeasured) > 0 }.map { "\($0.count(.notMeasured)) of \($0.title)" }
        if !pending.isEmpty {
            lines.append("")
            lines.append("Not measured yet (their runs do not exist at that scale): \(pending.joined(separator: "; ")) claims.")
        }
        return lines.joined(separator: "\n")
    }

    /// The README's table of central claims: per experiment (at the scale of its scoreboard row), each claim of
    /// `ids` with its difference on one seed, its difference across seeds, the verdict, and the smallest effect the
    /// deciding estimate could have resolved (`EvaluatedClaim.resolvableFrom`).
    public static func central(_ rows: [ScoreboardRow], ids: [String: [String]]) -> String {
        let cell = ResultsTable.markdownCell
        func estimate(_ e: Estimate?) -> String {
            e.map { String(format: "%+.3f ± %.3f", $0.mean, $0.standardError).replacingOccurrences(of: "-", with: "−") } ?? "–"
        }
        var lines = ["| experiment (scale) | claim | difference, seed 0 | across seeds | verdict | resolvable from |",
                     "|---|---|---|---|---|---:|"]
        for r in rows {
            let wanted = ids[r.experiment] ?? []
            for c in r.claims where wanted.contains(c.claim.id) {
                let seeds = c.acrossSeeds.map { "\(estimate($0)) (\($0.count))" } ?? "–"
                let verdict = c.verdict == .supported ? "**supported**" : c.verdict.display
                let resolvable = c.resolvableFrom.map { String(format: "%.3f", $0) } ?? "–"
                lines.append("| [\(cell(r.shortTitle))](\(r.page)) (`\(r.scale)`) | \(cell(c.claim.statement)) | \(estimate(c.difference)) | \(seeds) | \(verdict) | \(resolvable) |")
            }
        }
        lines.append("")
        lines.append("Differences are in nats per target (log-likelihood of the first model minus the second), ± their standard error (paired over the same test tasks; on the stations clustered by test month); \"across seeds\" is the mean ± standard error of the per-seed differences (number of seeds in brackets), and decides the verdict when there are \(Verdict.minimumSeeds) or more. \"Resolvable from\" is the smallest distance from zero (from −\(Verdict.margin) for a \"not worse\" claim, inside ±\(Verdict.margin) for a \"no difference\" claim) that the deciding estimate could have resolved: its standard error times the critical value (\(Int(Verdict.threshold)), or the Student-t value for few seeds or clusters, \(String(format: "%.1f", Verdict.criticalValue(degreesOfFreedom: 2))) for three seeds).")
        return lines.joined(separator: "\n")
    }

    /// The name of the central claims' block in the README.
    public static let centralBlock = "central"

    /// The name of the scoreboard's block (its markers are `startMarker(scoreboardBlock)`, `endMarker(…)`).
    public static let scoreboardBlock = "scoreboard"

    /// The page of `Docs/` that holds an experiment's results and its full claims block.
    public static func resultsPage(_ experiment: String) -> String {
        "results-\(experiment == "smoke2d" ? "smoke" : experiment).md"
    }

    public static func startMarker(_ experiment: String) -> String { "<!-- claims:\(experiment):start (generated by `np-report readme`; do not edit) -->" }
    public static func endMarker(_ experiment: String) -> String { "<!-- claims:\(experiment):end -->" }

    /// `document` with the text between the experiment's markers replaced by `content` (markers kept).
    public static func splice(_ document: String, experiment: String, content: String) throws -> String {
        let (start, end) = (startMarker(experiment), endMarker(experiment))
        guard let a = document.range(of: start), let b = document.range(of: end, range: a.upperBound..<document.endIndex) else {
            throw ExperimentError.usage("the document has no block \(start) … \(end)")
        }
        return String(document[..<a.upperBound]) + "\n" + content + "\n" + String(document[b.lowerBound...])
    }
}

import NPReport
import NPTraining

extension EvaluatedClaim {
    /// The claims table of an experiment: every claim, its test, the difference ± (paired) standard error, z, the
    /// difference over independently trained seeds where there are several, and the verdict. One number format per
    /// column: differences to 3 decimals, z to 1 (as the verdict's deciding statistic), seeds as whole numbers.
    /// `budget`: the training budget the verdicts rest on (`PaperExperiment.budgetSummary`), named in the caption.
    /// `details`: sentences the caption adds about this experiment's tests.
    public static func table(_ evaluated: [EvaluatedClaim], experimentTitle: String, label: String, budget: String, details: String = "",
                             note: String?) throws -> ResultsTable {
        let rows = evaluated.map { e -> TableRow in
            TableRow("\(e.claim.paperItem): \(e.claim.statement)", [
                .text(e.claim.test),
                e.difference.map { .estimate(mean: $0.mean, standardError: $0.standardError) } ?? .missing,
                e.difference.map { .value($0.standardErrors) } ?? .missing,
                e.acrossSeeds.map { .estimate(mean: $0.mean, standardError: $0.standardError) } ?? .missing,
                e.acrossSeeds.map { .value(Double($0.count)) } ?? .missing,
                .text(e.verdict.display + ClaimsDocument.decision(e)),
            ])
        }
        return try ResultsTable(
            caption: "The paper's claims about \(experimentTitle), each tested on this reproduction's results: the difference that tests it (paired over the same test tasks where models are compared), its standard error, the difference in standard errors (z), the same difference over independently trained seeds (mean ± standard error of the per-seed differences, where the models were trained several times), and \(ClaimsDocument.decisionNote). \(Verdict.rule) With at least \(Verdict.minimumSeeds) seeds the across-seed standard error, which includes seed-to-seed variation, decides.\(details.isEmpty ? "" : " " + details) Budget of these verdicts: \(budget) (the paper: 500,000 steps).",
            label: label, rowHeader: "Claim",
            columns: [TableColumn("Test", preference: .none), TableColumn("Difference", preference: .none),
                      TableColumn("z", preference: .none, decimals: 1), TableColumn("Across seeds", preference: .none),
                      TableColumn("Seeds", preference: .none, decimals: 0), TableColumn("Verdict", preference: .none)],
            groups: [RowGroup(nil, rows)], decimals: 3, note: note)
    }
}

import ExperimentKit
import NPTraining
import Testing

/// The README's scoreboard and the results pages' claims blocks are generated from `EvaluatedClaim`s: the counts
/// come from the verdicts, and the blocks are spliced between their markers.
struct ClaimsDocumentTests {
    func claim(_ id: String, _ kind: Claim.Kind = .greater) -> Claim {
        Claim(id: id, experiment: "toy", paperItem: "Table 1", statement: "A beats B (\(id))", test: "A − B, paired", kind: kind)
    }

    /// An estimate with the given mean and standard error over 100 tasks.
    func estimate(_ mean: Double, _ se: Double) -> Estimate {
        var e = Estimate([]); e.mean = mean; e.standardError = se; e.count = 100; return e
    }

    var toyClaims: [EvaluatedClaim] {
        [EvaluatedClaim(claim("a"), scale: "standard", difference: estimate(0.05, 0.001), detail: "d"),      // supported
         EvaluatedClaim(claim("b"), scale: "standard", difference: estimate(0.04, 0.002), detail: "d"),      // supported
         EvaluatedClaim(claim("c"), scale: "standard", difference: estimate(-0.05, 0.01), detail: "d"),      // contradicted
         EvaluatedClaim(claim("d"), scale: "standard", difference: estimate(0.01, 0.01), detail: "d"),       // not resolved
         EvaluatedClaim(claim("e", .notWorse), scale: "standard", difference: estimate(0.001, 0.02), detail: "d")]  // not resolved
    }

    @Test func theScoreboardCountsTheVerdicts() {
        let claims = toyClaims
        #expect(claims.map(\.verdict) == [.supported, .supported, .contradicted, .notResolved, .notResolved])
        let row = ClaimsDocument.ScoreboardRow(title: "Toy 1-D | test", scale: "standard", page: "Docs/results-toy.md", claims: claims, budget: "3 steps")
        #expect(row.count(.supported) == 2 && row.count(.contradicted) == 1 && row.count(.notResolved) == 2)
        let other = ClaimsDocument.ScoreboardRow(title: "Toy 2-D", scale: "quick", page: "Docs/results-toy2.md", claims: Array(claims.prefix(1)), budget: "3 steps")
        let table = ClaimsDocument.scoreboard([row, other]).split(separator: "\n").map(String.init)
        #expect(table.count == 4)   // header, rule, one row per experiment, and no note: every claim was measured
        #expect(table[2] == "| Toy 1-D \\| test | `standard`: 3 steps | 5 | 2 | 1 | 2 | [Docs/results-toy.md](Docs/results-toy.md) |")
        #expect(table[3] == "| Toy 2-D | `quick`: 3 steps | 1 | 1 | 0 | 0 | [Docs/results-toy2.md](Docs/results-toy2.md) |")
    }

    @Test func claimsWithoutRunsAreANoteNotAVerdict() {
        let pending = EvaluatedClaim(claim("f"), scale: "standard", difference: nil, detail: "runs missing")
        #expect(pending.verdict == .notMeasured)
        let row = ClaimsDocument.ScoreboardRow(title: "Toy", scale: "standard", page: "p.md", claims: toyClaims + [pending], budget: "3 steps")
        let text = ClaimsDocument.scoreboard([row])
        #expect(text.contains("| Toy | `standard`: 3 steps | 6 | 2 | 1 | 2 | [p.md](p.md) |"))
        #expect(text.hasSuffix("Not measured yet (their runs do not exist at that scale): 1 of Toy claims."))
    }

    @Test func theScoreboardIsSplicedBetweenItsMarkersAndReplacedOnTheNextRun() throws {
        let block = ClaimsDocument.scoreboardBlock
        let readme = "# Title\n\(ClaimsDocument.startMarker(block))\nold\n\(ClaimsDocument.endMarker(block))\nrest\n"
        let row = ClaimsDocument.ScoreboardRow(title: "Toy", scale: "quick", page: "p.md", claims: toyClaims, budget: "3 steps")
        let once = try ClaimsDocument.splice(readme, experiment: block, content: ClaimsDocument.scoreboard([row]))
        #expect(!once.contains("old") && once.contains("| Toy | `quick`: 3 steps | 5 | 2 | 1 | 2 |") && once.hasSuffix("rest\n"))
        let twice = try ClaimsDocument.splice(once, experiment: block, content: ClaimsDocument.scoreboard([row]))
        #expect(twice == once)
        #expect(throws: (any Error).self) { try ClaimsDocument.splice("no markers", experiment: block, content: "x") }
    }

    /// The smallest effect a claim's run could resolve is the critical value times the deciding standard error:
    /// the paired one for one seed, the across-seed one from three seeds on (19.2 × for three).
    @Test func theResolvableEffectIsTheCriticalValueTimesTheDecidingStandardError() {
        let oneSeed = EvaluatedClaim(claim("a"), scale: "standard", difference: estimate(0.05, 0.002), detail: "d")
        #expect(abs(oneSeed.resolvableFrom! - 3 * 0.002) < 1e-12)
        var seeds = Estimate([0.01, 0.03, 0.02])
        let threeSeeds = EvaluatedClaim(claim("b"), scale: "standard", difference: estimate(0.05, 0.002), acrossSeeds: seeds, detail: "d")
        #expect(threeSeeds.decidingEstimate?.count == 3)
        #expect(abs(threeSeeds.resolvableFrom! - Verdict.criticalValue(degreesOfFreedom: 2) * seeds.standardError) < 1e-12)
        #expect(threeSeeds.verdict == .notResolved && threeSeeds.resolvableFrom! > 0.02, "0.02 ± 0.006 over three seeds is below what they resolve")
        seeds = Estimate([0.01, 0.03])   // two seeds do not decide: the paired difference does
        let twoSeeds = EvaluatedClaim(claim("c"), scale: "standard", difference: estimate(0.05, 0.002), acrossSeeds: seeds, detail: "d")
        #expect(twoSeeds.decidingEstimate?.count == 100 && twoSeeds.verdict == .supported)
        #expect(EvaluatedClaim(claim("d"), scale: "standard", difference: nil, detail: "none").resolvableFrom == nil)
    }

    /// The README's central claims: only the listed ids of each experiment, one row each, with the resolvable effect.
    @Test func theCentralClaimsTableListsTheChosenClaimsOfEachExperiment() {
        let row = ClaimsDocument.ScoreboardRow(title: "Toy experiment", scale: "standard", page: "Docs/results-toy.md", claims: toyClaims,
                                               budget: "3 steps", experiment: "toy", shortTitle: "toy")
        let lines = ClaimsDocument.central([row], ids: ["toy": ["a", "d"], "other": ["b"]]).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[2] == "| [toy](Docs/results-toy.md) (`standard`) | A beats B (a) | +0.050 ± 0.001 | – | **supported** | 0.003 |")
        #expect(lines[3] == "| [toy](Docs/results-toy.md) (`standard`) | A beats B (d) | +0.010 ± 0.010 | – | not resolved | 0.030 |")
        #expect(lines.count == 6 && lines[4].isEmpty && lines[5].hasPrefix("Differences are in nats per target"))
    }

    @Test func resultsPages() {
        #expect(ClaimsDocument.resultsPage("gibbs1d") == "results-gibbs1d.md")
        #expect(ClaimsDocument.resultsPage("smoke2d") == "results-smoke.md")
        #expect(ClaimsDocument.resultsPage("environment") == "results-environment.md")
    }
}

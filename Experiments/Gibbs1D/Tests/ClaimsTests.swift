import ExperimentKit
import Foundation
@testable import Gibbs1D
import NPModels
import NPReport
import NPTensor
import NPTraining
import Testing

/// Claims are data; verdicts come from paired differences; the README block and the report are generated from
/// the verdicts, so a changed result changes both.
@Suite(.serialized) struct ClaimsTests {
    /// Writes finished-run metrics with the given per-task ID log-likelihoods for one model.
    func fake(_ e: Gibbs1DExperiment, _ kind: ModelKind, id: [Double]) throws {
        let c = e.runConfig(kind)
        let key = try e.key(c)
        let per = PerTaskLogLikelihoods(inDistribution: id, outOfDistribution: id, contextSet: id,
                                        inDistributionEquivariantComponent: kind.isApproximatelyEquivariant ? id.map { $0 - 0.01 } : nil)
        let m = RunMetrics(version: RunMetrics.currentVersion, key: key, model: kind, fixedInputs: c.fixedInputCount, steps: 1, trainingSeconds: 0,
                           inDistribution: Estimate(id), outOfDistribution: Estimate(id), contextSet: Estimate(id),
                           inDistributionEquivariantComponent: nil, deviation: nil, perTask: per)
        try writeJSON(m, to: e.store.evalURL(key))
        try e.store.markDone(key)
    }

    @Test func aChangedResultChangesTheVerdictInTheReadmeAndTheReport() throws {
        let (e, _) = PipelineTests.experiment()
        let n = e.testSet(.inDistribution).count * 16
        var rng = RandomGenerator(seed: 3)
        let base = (0..<n).map { _ in rng.normal() }
        try fake(e, .convCNPT, id: base)
        try fake(e, .convCNPTApprox, id: base.map { $0 + 0.05 })   // better on every task
        func verdict() -> EvaluatedClaim { e.evaluateClaims().first { $0.claim.id == "t1-convcnp" }! }
        #expect(verdict().verdict == .supported)
        let readme = "intro\n\(ClaimsDocument.startMarker("gibbs1d"))\nold text\n\(ClaimsDocument.endMarker("gibbs1d"))\nrest\n"
        let first = try ClaimsDocument.splice(readme, experiment: "gibbs1d", content: ClaimsDocument.markdown([verdict()]))
        #expect(first.contains("**supported**") && !first.contains("old text") && first.hasSuffix("rest\n"))

        try fake(e, .convCNPTApprox, id: base.map { $0 - 0.05 })   // now worse on every task
        #expect(verdict().verdict == .contradicted)
        let second = try ClaimsDocument.splice(first, experiment: "gibbs1d", content: ClaimsDocument.markdown([verdict()]))
        #expect(second.contains("contradicted") && !second.contains("**supported**"))
        let doc = ReportDocument(title: "t", summary: [], sections: [ReportDocument.Section(
            title: "s", paragraphs: [], tables: [], figures: [],
            claims: [ReportDocument.ClaimRow(claim: verdict().claim.statement, test: verdict().claim.test, difference: "x", verdict: verdict().verdict.rawValue)],
            provenance: [])])
        #expect(doc.latex().contains("contradicted"))
        // Runs that do not exist are "not measured", never guessed.
        #expect(e.evaluateClaims().first { $0.claim.id == "t1-tnp" }!.verdict == .notMeasured)
    }

    /// The README shows every scale's verdicts, largest first, and says which one the text reads; a single scale
    /// is the plain table (so the smoke and environmental blocks do not change).
    @Test func theReadmeBlockPutsTheLargestScaleFirst() {
        let (e, _) = PipelineTests.experiment()
        let quick = e.evaluateClaims()
        var standard = quick
        standard[0] = EvaluatedClaim(standard[0].claim, scale: "standard", difference: Estimate(pairedDifference: [1, 2, 3.5], minus: [0, 1, 2]), detail: "d")
        #expect(ClaimsDocument.markdown(byScale: [("quick", quick)]) == ClaimsDocument.markdown(quick))
        let both = ClaimsDocument.markdown(byScale: [("standard", standard), ("quick", quick)])
        let s = both.range(of: "**Scale `standard`**, the largest")!, q = both.range(of: "**Scale `quick`**, for comparison")!
        #expect(s.lowerBound < q.lowerBound)
        let pending = standard.filter { $0.verdict == .notMeasured }.count
        #expect(pending > 0 && pending < standard.count)
        #expect(both.contains("(\(pending) of \(standard.count) claims wait for runs still in training)"))
        #expect(both.components(separatedBy: "| claim (paper item) |").count == 3)
    }

    /// "The biggest gain comes from the first fixed input" needs the first input to help and to help more than
    /// the next 15 together: a first-minus-rest margin that is positive only because B = 16 hurts does not count.
    @Test func theFirstFixedInputClaimNeedsAGainAndTheLargestOne() throws {
        let (e, _) = PipelineTests.experiment()
        let n = e.testSet(.inDistribution).count * 16
        var rng = RandomGenerator(seed: 4)
        let base = (0..<n).map { _ in rng.normal() }
        func write(_ b: Int, _ shift: Double) throws {
            let c = e.ablationRun(.convCNPTApprox, b), key = try e.key(c)
            let id = base.map { $0 + shift + 0.001 * rng.normal() }
            let per = PerTaskLogLikelihoods(inDistribution: id, outOfDistribution: id, contextSet: id, inDistributionEquivariantComponent: nil)
            let m = RunMetrics(version: RunMetrics.currentVersion, key: key, model: c.model.kind, fixedInputs: c.fixedInputCount, steps: 1,
                               trainingSeconds: 0, inDistribution: Estimate(id), outOfDistribution: Estimate(id), contextSet: Estimate(id),
                               inDistributionEquivariantComponent: nil, deviation: nil, perTask: per)
            try writeJSON(m, to: e.store.evalURL(key))
            try e.store.markDone(key)
        }
        func verdict() -> Verdict { e.evaluateClaims().first { $0.claim.id == "t5-first-convcnp" }!.verdict }
        try write(0, 0); try write(1, 0.05); try write(16, 0.06)    // the first input gives most of the gain
        #expect(verdict() == .supported)
        try write(16, 0.2)                                         // later inputs gain more than the first
        #expect(verdict() == .contradicted)
        try write(1, 0); try write(16, -0.1)                       // no first gain; B = 16 only hurts
        #expect(verdict() == .notResolved)
    }

    @Test func everyClaimHasATest() {
        let (e, _) = PipelineTests.experiment()
        #expect(e.evaluateClaims().count == Gibbs1DExperiment.claims.count)
        #expect(Set(Gibbs1DExperiment.claims.map(\.id)).count == Gibbs1DExperiment.claims.count)
        #expect(!e.centralClaims.isEmpty && Set(e.centralClaims).isSubset(of: Set(Gibbs1DExperiment.claims.map(\.id))), "the README's central claims are claims")
    }
}

/// With several training seeds, a comparison of two trained models is judged by the spread of the per-seed
/// differences, which includes seed-to-seed variation: a gap that is consistent over tasks but flips sign between
/// seeds is not supported.
@Suite(.serialized) struct SeedReplicateClaimsTests {
    @Test func seedToSeedVariationDecidesWhenThereAreEnoughSeeds() throws {
        var scale = PipelineTests.tinyScale()
        scale.seedReplicates = 3
        let (e, _) = PipelineTests.experiment(scale)
        let n = e.testSet(.inDistribution).count * 16
        var rng = RandomGenerator(seed: 5)
        let base = (0..<n).map { _ in rng.normal() }
        let offsets = [0.05, -0.04, 0.06]   // every seed's gap is huge in task standard errors; their signs disagree
        for (s, (ra, rb)) in zip(e.seedRuns(.convCNPTApprox), e.seedRuns(.convCNPT)).enumerated() {
            for (run, shift) in [(ra, offsets[s]), (rb, 0.0)] {
                let key = try e.key(run)
                let id = base.map { $0 + shift }
                let per = PerTaskLogLikelihoods(inDistribution: id, outOfDistribution: id, contextSet: id,
                                                inDistributionEquivariantComponent: run.model.kind.isApproximatelyEquivariant ? id : nil)
                let m = RunMetrics(version: RunMetrics.currentVersion, key: key, model: run.model.kind, fixedInputs: run.fixedInputCount, steps: 1,
                                   trainingSeconds: 0, inDistribution: Estimate(id), outOfDistribution: Estimate(id), contextSet: Estimate(id),
                                   inDistributionEquivariantComponent: nil, deviation: nil, perTask: per)
                try writeJSON(m, to: e.store.evalURL(key))
                try e.store.markDone(key)
            }
        }
        let claim = e.evaluateClaims().first { $0.claim.id == "t1-convcnp" }!
        #expect(claim.difference!.standardErrors > 100)            // seed 0 alone: "supported" by a mile
        #expect(claim.acrossSeeds?.count == 3)
        #expect(claim.verdict == .notResolved)                       // over seeds: not resolved
        #expect(ClaimsDocument.markdown([claim]).contains("3 seeds"))
        // The region-restricted version uses exactly the tasks whose targets reach the change point (|c| < 3).
        let nearCount = e.testTasks(.inDistribution).1.filter { abs($0.centre) < 3 }.count
        let near = e.evaluateClaims().first { $0.claim.id == "t1-convcnp-near" }!
        #expect(near.difference?.count == nearCount && nearCount > 0 && nearCount < n)
        #expect(abs(near.difference!.mean - offsets[0]) < 1e-9 && near.acrossSeeds?.count == 3)
        // Run labels name the seed, and seed 0 keeps its old label (and so its cache key).
        #expect(e.seedRuns(.convCNPT).map(\.label) == ["convcnp-t", "convcnp-t-seed1", "convcnp-t-seed2"])
    }
}

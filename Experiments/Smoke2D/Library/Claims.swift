import ExperimentKit
import Foundation
import NPModels
import NPReport
import NPTraining

extension SmokeExperiment {
    /// Each approximately equivariant model against its equivariant counterpart (Table 1's smoke column).
    public var centralClaims: [String] { ["t1-pttnp", "t1-convcnp", "t1-relaxed", "t1-equivcnp-same"] }

    /// The paper's claims about the smoke experiment (Docs/paper-spec.md §7.2 "Claims": Table 1's smoke column and the text on
    /// Figure 6), each with the paired comparison on the same test tasks that tests it.
    public static let claims: [Claim] = [
        claim("t1-pttnp", "Table 1", "PT-TNP (T̃) beats PT-TNP (T) on smoke", "PT-TNP (T̃) − PT-TNP (T), test log-likelihood, paired", .greater),
        claim("t1-pttnp-plain", "Table 1", "PT-TNP (T̃) beats the non-equivariant PT-TNP on smoke", "PT-TNP (T̃) − PT-TNP, test log-likelihood, paired", .greater),
        claim("t1-convcnp", "Table 1", "ConvCNP (T̃) beats ConvCNP (T) on smoke", "ConvCNP (T̃) − ConvCNP (T), test log-likelihood, paired", .greater),
        claim("t1-relaxed", "Table 1", "RelaxedConvCNP (T̃) beats ConvCNP (T) on smoke", "RelaxedConvCNP (T̃) − ConvCNP (T), test log-likelihood, paired", .greater),
        claim("t1-equivcnp-same", "Sec. 5.2", "For the EquivCNP there is no significant difference between the equivariant and approximately equivariant model",
              "EquivCNP (Ẽ) − EquivCNP (E), test log-likelihood, paired (no difference: within ±\(Verdict.margin))", .matches),
        claim("fi-pttnp", "Sec. 5.2", "The fixed inputs carry the gain: PT-TNP (T̃) beats its own equivariant component",
              "PT-TNP (T̃) − same model with fixed inputs zeroed, paired", .greater),
        claim("fi-convcnp", "Sec. 5.2", "The fixed inputs carry the gain: ConvCNP (T̃) beats its own equivariant component",
              "ConvCNP (T̃) − same model with fixed inputs zeroed, paired", .greater),
        claim("f6-obstacle-convcnp", "Figure 6", "Approximately equivariant models better capture the detail around the obstacle (ConvCNP)",
              "ConvCNP (T̃) − ConvCNP (T), patches touching the obstacle, paired", .greater),
        claim("f6-obstacle-pttnp", "Figure 6", "Approximately equivariant models better capture the detail around the obstacle (PT-TNP)",
              "PT-TNP (T̃) − PT-TNP (T), patches touching the obstacle, paired", .greater),
    ]

    static func claim(_ id: String, _ item: String, _ statement: String, _ test: String, _ kind: Claim.Kind) -> Claim {
        Claim(id: id, experiment: "smoke2d", paperItem: item, statement: statement, test: test, kind: kind)
    }

    /// Tests every claim on this scale's cached results; trains and evaluates nothing.
    public func evaluateClaims() -> [EvaluatedClaim] {
        func per(_ k: ModelKind) -> SmokePerTask? { existingMetrics(runConfig(k))?.perTask }
        let regions = try? testRegions()
        func paired(_ a: [Double]?, _ b: [Double]?, only region: PatchRegion? = nil) -> (Estimate?, String) {
            guard var a, var b else { return (nil, "runs missing") }
            if let region {
                guard let regions, regions.count == a.count else { return (nil, "test regions unavailable") }
                let keep = regions.indices.filter { regions[$0] == region }
                a = keep.map { a[$0] }; b = keep.map { b[$0] }
            }
            let ea = Estimate(a), eb = Estimate(b)
            return (Estimate(pairedDifference: a, minus: b), String(format: "%.3f vs %.3f over %d tasks", ea.mean, eb.mean, a.count))
        }
        /// Per training seed of the replicated pairs: the task-averaged paired difference picked by `values`.
        func seeded(_ a: ModelKind, _ b: ModelKind, only region: PatchRegion? = nil,
                    _ values: (SmokePerTask, SmokePerTask) -> ([Double], [Double])?) -> Estimate? {
            let perSeed = zip(seedRuns(a), seedRuns(b)).compactMap { ra, rb -> Double? in
                guard let pa = existingMetrics(ra)?.perTask, let pb = existingMetrics(rb)?.perTask, let (x, y) = values(pa, pb) else { return nil }
                return paired(x, y, only: region).0?.mean
            }
            return perSeed.count >= 2 ? Estimate(perSeed) : nil
        }
        let acrossSeeds: [String: Estimate?] = [
            "t1-convcnp": seeded(.convCNPTApprox, .convCNPT) { ($0.test, $1.test) },
            "t1-relaxed": seeded(.relaxedConvCNP, .convCNPT) { ($0.test, $1.test) },
            "t1-pttnp-plain": seeded(.ptTNPTApprox, .ptTNP) { ($0.test, $1.test) },
            "t1-equivcnp-same": seeded(.equivCNPEApprox, .equivCNPE) { ($0.test, $1.test) },
            "fi-convcnp": seeded(.convCNPTApprox, .convCNPTApprox) { p, _ in p.equivariantComponent.map { (p.test, $0) } },
            "f6-obstacle-convcnp": seeded(.convCNPTApprox, .convCNPT, only: .obstacle) { ($0.test, $1.test) },
            "t1-pttnp": seeded(.ptTNPTApprox, .ptTNPT) { ($0.test, $1.test) },
            "fi-pttnp": seeded(.ptTNPTApprox, .ptTNPTApprox) { p, _ in p.equivariantComponent.map { (p.test, $0) } },
            "f6-obstacle-pttnp": seeded(.ptTNPTApprox, .ptTNPT, only: .obstacle) { ($0.test, $1.test) },
        ]
        return Self.claims.map { c in
            let r: (Estimate?, String)
            switch c.id {
            case "t1-pttnp": r = paired(per(.ptTNPTApprox)?.test, per(.ptTNPT)?.test)
            case "t1-pttnp-plain": r = paired(per(.ptTNPTApprox)?.test, per(.ptTNP)?.test)
            case "t1-convcnp": r = paired(per(.convCNPTApprox)?.test, per(.convCNPT)?.test)
            case "t1-relaxed": r = paired(per(.relaxedConvCNP)?.test, per(.convCNPT)?.test)
            case "t1-equivcnp-same": r = paired(per(.equivCNPEApprox)?.test, per(.equivCNPE)?.test)
            case "fi-pttnp": r = paired(per(.ptTNPTApprox)?.test, per(.ptTNPTApprox)?.equivariantComponent)
            case "fi-convcnp": r = paired(per(.convCNPTApprox)?.test, per(.convCNPTApprox)?.equivariantComponent)
            case "f6-obstacle-convcnp": r = paired(per(.convCNPTApprox)?.test, per(.convCNPT)?.test, only: .obstacle)
            case "f6-obstacle-pttnp": r = paired(per(.ptTNPTApprox)?.test, per(.ptTNPT)?.test, only: .obstacle)
            default: fatalError("claim \(c.id) has no test")
            }
            return EvaluatedClaim(c, scale: scale.name, difference: r.0, acrossSeeds: acrossSeeds[c.id] ?? nil, detail: r.1)
        }
    }

    /// The claims table: trains and evaluates whatever run is missing (the seed replicates included), then tests
    /// every claim.
    @discardableResult
    public func claimsTable() throws -> URL {
        let started = Date()
        for run in allRuns() { _ = try metrics(run) }
        let evaluated = evaluateClaims()
        let table = try EvaluatedClaim.table(evaluated, experimentTitle: "the smoke experiment", label: "tab:smoke-claims", budget: budgetSummary, note: scaleNote)
        try writeJSON(evaluated, to: tablesDirectory.appendingPathComponent("claims-smoke2d.verdicts.json"))
        let url = try table.write(to: tablesDirectory, name: "claims-smoke2d") {
            try provenance(output: $0, item: "Claims (smoke)", started: started, runs: allRuns())
        }
        say("wrote \(relativePath(url))")
        return url
    }
}

import ExperimentKit
import Foundation
import NPModels
import NPReport
import NPTraining

extension EnvironmentExperiment {
    /// Each approximately equivariant 2-D model against its equivariant counterpart in and out of distribution, and
    /// the first fixed input's share of the gain.
    public var centralClaims: [String] {
        ["t2-id-pt", "t2-id-conv", "t2-id-relaxed", "t2-id-equiv", "t2-ood-pt", "t2-ood-conv", "t2-ood-relaxed", "t2-ood-equiv", "t9-first"]
    }

    /// The paper's claims about the environmental experiment (Docs/paper-spec.md §7.3 "Claims"), each with the comparison that
    /// tests it: `comparison` names an `EnvironmentComparison` (paired over the same test tasks, month-clustered
    /// standard error), or one of the special tests `deviation-range` (Table 8) and `map-elevation` (Figure 2).
    public static let claims: [(claim: Claim, comparison: String)] = [
        claim("t2-id-pt", "Table 2", "PT-TNP (T̃) beats PT-TNP (T) in distribution (2-D)", "2d-id-pt", .greater),
        claim("t2-id-conv", "Table 2", "ConvCNP (T̃) beats ConvCNP (T) in distribution (2-D)", "2d-id-conv", .greater),
        claim("t2-id-relaxed", "Table 2", "RelaxedConvCNP (T̃) beats ConvCNP (T) in distribution (2-D)", "2d-id-relaxed", .greater),
        claim("t2-id-equiv", "Table 2", "EquivCNP (Ẽ) beats EquivCNP (E) in distribution (2-D)", "2d-id-equiv", .greater),
        claim("t2-ood-pt", "Table 2", "“Surprisingly” PT-TNP (T̃) also beats PT-TNP (T) out of distribution with its fixed inputs zeroed (2-D)", "2d-ood-pt", .greater),
        claim("t2-ood-conv", "Table 2", "ConvCNP (T̃) also beats ConvCNP (T) out of distribution with its fixed inputs zeroed (2-D)", "2d-ood-conv", .greater),
        claim("t2-ood-relaxed", "Table 2", "RelaxedConvCNP (T̃) also beats ConvCNP (T) out of distribution with its fixed inputs zeroed (2-D)", "2d-ood-relaxed", .greater),
        claim("t2-ood-equiv", "Table 2", "EquivCNP (Ẽ) also beats EquivCNP (E) out of distribution with its fixed inputs zeroed (2-D)", "2d-ood-equiv", .greater),
        claim("t2-4d-id-t", "Table 2", "4-D: PT-TNP (T̃) beats PT-TNP (T) in distribution", "4d-id-pt", .greater),
        claim("t2-4d-id-plain", "Table 2", "4-D: PT-TNP (T̃) beats the non-equivariant PT-TNP in distribution", "4d-id-pt-plain", .greater),
        claim("t2-4d-ood-t", "Table 2", "4-D: PT-TNP (T̃) beats PT-TNP (T) out of distribution", "4d-ood-pt", .greater),
        claim("t2-4d-ood-plain", "Table 2", "4-D: PT-TNP (T̃) beats the non-equivariant PT-TNP out of distribution", "4d-ood-pt-plain", .greater),
        claim("fi-pt", "Sec. 5.3", "The fixed inputs carry the gain: PT-TNP (T̃) beats its own equivariant component (2-D ID)", "own-pt-tnp-t-approx-2d", .greater),
        claim("fi-conv", "Sec. 5.3", "The fixed inputs carry the gain: ConvCNP (T̃) beats its own equivariant component (2-D ID)", "own-convcnp-t-approx-2d", .greater),
        claim("fi-equiv", "Sec. 5.3", "The fixed inputs carry the gain: EquivCNP (Ẽ) beats its own equivariant component (2-D ID)", "own-equivcnp-e-approx-2d", .greater),
        claim("t6-dropout", "Table 6", "Dropping the fixed inputs in training (p = 0.5 vs 0) is needed for out-of-distribution generalisation", "dropout-ood", .greater),
        claim("t8-range", "Table 8", "Δequiv of the approximately equivariant models lies between 2 and 4 %", "deviation-range", .greater),
        claim("t9-first", "Table 9", "The largest gain comes from the first fixed input (B = 1 vs B = 0)", "b1-b0", .greater),
        claim("t9-more", "Table 9", "More fixed inputs never hurt (largest B vs B = 1)", "bmax-b1", .notWorse),
        claim("f2-topography", "Figure 2", "The non-equivariant component learns topography: the AE − E difference map follows elevation, cooler where higher (EquivCNP (Ẽ), PT-TNP (T̃))", "map-elevation", .greater),
    ]

    static func claim(_ id: String, _ item: String, _ statement: String, _ comparison: String, _ kind: Claim.Kind) -> (claim: Claim, comparison: String) {
        let test: String
        switch comparison {
        case "deviation-range": test = "each AE model's Δequiv (Table 8): its distance inside [2, 4] % (negative outside), the smallest in standard errors"
        case "map-elevation": test = "minus the correlation over the lon/lat grid between μ − μ_equiv and elevation, one per ID test month of the map, mean ± s.e. over months (the weaker of the two models)"
        default: test = "paired difference over the same test tasks, month-clustered standard error"
        }
        return (Claim(id: id, experiment: "environment", paperItem: item, statement: statement, test: test, kind: kind), comparison)
    }

    /// Tests every claim on this scale's cached results; trains and evaluates nothing.
    public func evaluateClaims() throws -> [EvaluatedClaim] {
        let comparisons = Dictionary(uniqueKeysWithValues: try comparisons().map { ($0.id, $0) })
        return try Self.claims.map { entry in
            let c = entry.claim
            switch entry.comparison {
            case "deviation-range": return deviationRangeClaim(c)
            case "map-elevation": return mapElevationClaim(c)
            default:
                guard let comparison = comparisons[entry.comparison], let d = try difference(comparison) else {
                    return EvaluatedClaim(c, scale: scale.name, difference: nil, detail: "runs missing")
                }
                let detail = String(format: "%@: %.3f vs %.3f over %d tasks in %d clusters; paired s.e. over tasks %.3f (z = %.1f)",
                                    d.label, d.meanA, d.meanB, d.plain.count, d.clusters, d.plain.standardError, d.plain.standardErrors)
                // The clustered standard error rests on the month clusters.
                return EvaluatedClaim(c, scale: scale.name, difference: d.clustered, acrossSeeds: try acrossSeeds(comparison),
                                      differenceUnits: d.clusters, detail: detail)
            }
        }
    }

    /// The comparison repeated for every training seed both runs have (seed i of A against seed i of B): one mean
    /// difference per seed; nil with fewer than two.
    func acrossSeeds(_ c: EnvironmentComparison) throws -> Estimate? {
        let perSeed = try zip(seedRuns(c.a), seedRuns(c.b)).compactMap { a, b -> Double? in
            var pair = c
            pair.a = a; pair.b = b
            return try difference(pair)?.plain.mean
        }
        return perSeed.count >= 2 ? Estimate(perSeed) : nil
    }

    /// Table 8's range claim: each model's Δequiv distance inside [2, 4] % (min(Δ − 2, 4 − Δ), negative outside), and
    /// the model with the smallest in its standard errors; supported only when every model lies clearly inside.
    func deviationRangeClaim(_ c: Claim) -> EvaluatedClaim {
        var ratios: [String] = []
        let found = Self.approximate2D.compactMap { k -> (ModelKind, Estimate)? in
            guard let config = try? runConfig(k), let d = existingMetrics(config)?.deviation else { return nil }
            var e = d.elementwise
            e.mean *= 100; e.standardError *= 100
            ratios.append(String(format: "%@ %.1f %%", k.displayName, 100 * d.normRatio.mean))
            return (k, e)
        }
        guard found.count == Self.approximate2D.count else { return EvaluatedClaim(c, scale: scale.name, difference: nil, detail: "runs missing") }
        let inside = found.map { k, e in (k, e.distanceInside(2...4)) }
        let worst = inside.min { $0.1.standardErrors < $1.1.standardErrors }!
        let detail = found.map { String(format: "%@ %.1f ± %.1f %%", $0.0.displayName, $0.1.mean, $0.1.standardError) }.joined(separator: ", ")
        return EvaluatedClaim(c, scale: scale.name, difference: worst.1,
                              detail: "Δequiv (elementwise, the paper's formula): \(detail); ratio of norms: \(ratios.joined(separator: ", "))")
    }

    /// Figure 2's claim: minus the per-month map correlation of the signed μ − μ_equiv with elevation (positive when
    /// the fixed inputs cool high ground, as a lapse rate does), for the weaker of the two models.
    func mapElevationClaim(_ c: Claim) -> EvaluatedClaim {
        guard let maps = try? readJSON([DeviationMapSummary].self, from: deviationMapJSON) else {
            return EvaluatedClaim(c, scale: scale.name, difference: nil, detail: "deviation map not built")
        }
        let named = maps.filter { [ModelKind.ptTNPTApprox, .equivCNPEApprox].contains($0.model) }
        guard named.count == 2 else { return EvaluatedClaim(c, scale: scale.name, difference: nil, detail: "deviation map lacks a model") }
        func lapse(_ m: DeviationMapSummary) -> Estimate { var e = m.monthlySignedCorrelation; e.mean = -e.mean; return e }
        let weaker = named.min { lapse($0).standardErrors < lapse($1).standardErrors }!
        let detail = named.map {
            String(format: "%@: signed r = %.2f ± %.2f over %d months, |μ − μ_equiv| r = %.2f ± %.2f (maps of the mean: %.2f, %.2f)",
                   $0.model.displayName, $0.monthlySignedCorrelation.mean, $0.monthlySignedCorrelation.standardError, $0.monthlySignedCorrelation.count,
                   $0.monthlyCorrelation.mean, $0.monthlyCorrelation.standardError, $0.signedMeanMapCorrelation, $0.meanMapCorrelation)
        }.joined(separator: "; ")
        let e = lapse(weaker)   // one value per month
        return EvaluatedClaim(c, scale: scale.name, difference: e, differenceUnits: e.count, detail: detail)
    }

    /// The claims table and its verdicts (JSON), as the 1-D experiment writes them.
    @discardableResult
    public func claimsTable() throws -> URL {
        let started = Date()
        let evaluated = try evaluateClaims()
        let table = try EvaluatedClaim.table(
            evaluated, experimentTitle: "the environmental experiment (Sec. 5.3) on Colorado station data", label: "tab:environment-claims",
            budget: budgetSummary,
            details: "Model comparisons use the month-clustered standard error (tasks of one test month share a cluster), judged with clusters − 1 degrees of freedom. The range claim is tested on each model's distance inside the range (negative outside it), as a “greater than zero” claim. \(seedNote)",
            note: scaleNote)
        try writeJSON(evaluated, to: tablesDirectory.appendingPathComponent("claims-environment.verdicts.json"))
        return try write(table, name: "claims-environment", item: "Claims (environmental)", runs: [], started: started)
    }
}

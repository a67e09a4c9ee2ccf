import ExperimentKit
import Foundation
import NPData
import NPModels
import NPReport
import NPTraining

extension Gibbs1DExperiment {
    /// Each approximately equivariant model against its equivariant counterpart in and out of distribution, and the
    /// first fixed input's share of the gain.
    public var centralClaims: [String] {
        ["t1-convcnp", "t1-relaxed", "t1-equivcnp", "t1-tnp", "t1-ood-convcnp", "t1-ood-tnp", "t5-first-convcnp", "t5-first-tnp"]
    }

    /// The paper's claims about the 1-D experiment (Docs/paper-spec.md §7.1 "Claims", Tables 1, 3, 4, 5), each with the comparison
    /// that tests it. Model comparisons are paired differences on the same test tasks.
    public static let claims: [Claim] = [
        claim("t1-convcnp", "Table 1", "ConvCNP (T̃) beats ConvCNP (T) in distribution",
              "ConvCNP (T̃) − ConvCNP (T), ID log-likelihood, paired", .greater),
        claim("t1-equivcnp", "Table 1", "EquivCNP (Ẽ) beats EquivCNP (E) in distribution",
              "EquivCNP (Ẽ) − EquivCNP (E), ID log-likelihood, paired", .greater),
        claim("t1-tnp", "Table 1", "TNP (T̃) beats TNP (T) in distribution",
              "TNP (T̃) − TNP (T), ID log-likelihood, paired", .greater),
        claim("t1-relaxed", "Table 1", "RelaxedConvCNP (T̃) beats ConvCNP (T) in distribution",
              "RelaxedConvCNP (T̃) − ConvCNP (T), ID log-likelihood, paired", .greater),
        claim("fi-convcnp", "Sec. 5.1", "The fixed inputs carry the gain: ConvCNP (T̃) beats its own equivariant component",
              "ConvCNP (T̃) − same model with fixed inputs zeroed, ID, paired", .greater),
        claim("fi-equivcnp", "Sec. 5.1", "The fixed inputs carry the gain: EquivCNP (Ẽ) beats its own equivariant component",
              "EquivCNP (Ẽ) − same model with fixed inputs zeroed, ID, paired", .greater),
        claim("fi-tnp", "Sec. 5.1", "The fixed inputs carry the gain: TNP (T̃) beats its own equivariant component",
              "TNP (T̃) − same model with fixed inputs zeroed, ID, paired", .greater),
        claim("t1-convcnp-near", "Sec. 5.1", "Where the symmetry breaks (the change point within the targets' reach) ConvCNP (T̃) beats ConvCNP (T)",
              "ConvCNP (T̃) − ConvCNP (T), ID log-likelihood on the tasks with |c| < 3, paired", .greater),
        claim("t1-equivcnp-near", "Sec. 5.1", "Where the symmetry breaks (the change point within the targets' reach) EquivCNP (Ẽ) beats EquivCNP (E)",
              "EquivCNP (Ẽ) − EquivCNP (E), ID log-likelihood on the tasks with |c| < 3, paired", .greater),
        claim("fi-convcnp-near", "Sec. 5.1", "Where the symmetry breaks, ConvCNP (T̃) beats its own equivariant component",
              "ConvCNP (T̃) − same model with fixed inputs zeroed, ID on the tasks with |c| < 3, paired", .greater),
        claim("fi-equivcnp-near", "Sec. 5.1", "Where the symmetry breaks, EquivCNP (Ẽ) beats its own equivariant component",
              "EquivCNP (Ẽ) − same model with fixed inputs zeroed, ID on the tasks with |c| < 3, paired", .greater),
        claim("t1-recover-tnp", "Table 1", "Approximately equivariant models recover the non-equivariant TNP's in-distribution performance",
              "TNP (T̃) − TNP, ID log-likelihood, paired (not worse by more than \(Verdict.margin))", .notWorse),
        claim("t1-ood-convcnp", "Table 1", "ConvCNP (T̃) generalises out of distribution as well as ConvCNP (T)",
              "ConvCNP (T̃) − ConvCNP (T), OOD log-likelihood, paired (not worse by more than \(Verdict.margin))", .notWorse),
        claim("t1-ood-tnp", "Table 1", "TNP (T̃) generalises out of distribution as well as TNP (T)",
              "TNP (T̃) − TNP (T), OOD log-likelihood, paired (not worse by more than \(Verdict.margin))", .notWorse),
        claim("t1-ood-tnp-fails", "Table 1", "The non-equivariant TNP fails out of distribution",
              "TNP (T) − TNP, OOD log-likelihood, paired", .greater),
        claim("t5-first-convcnp", "Table 5", "The biggest gain comes from the first fixed input (ConvCNP (T̃))",
              "ConvCNP (T̃), ID, paired: B = 1 − B = 0 > 0 and (B = 1 − B = 0) − (B = 16 − B = 1) > 0 (the first fixed input helps, and more than the next 15 together); the weaker of the two decides", .greater),
        claim("t5-first-tnp", "Table 5", "The biggest gain comes from the first fixed input (TNP (T̃))",
              "TNP (T̃), ID, paired: B = 1 − B = 0 > 0 and (B = 1 − B = 0) − (B = 16 − B = 1) > 0 (the first fixed input helps, and more than the next 15 together); the weaker of the two decides", .greater),
        claim("t5-more-convcnp", "Table 5", "More fixed inputs never hurt (ConvCNP (T̃), B = 16 vs B = 1)",
              "ConvCNP (T̃) B = 16 − B = 1, ID, paired (not worse by more than \(Verdict.margin))", .notWorse),
        claim("t5-more-tnp", "Table 5", "More fixed inputs never hurt (TNP (T̃), B = 16 vs B = 1)",
              "TNP (T̃) B = 16 − B = 1, ID, paired (not worse by more than \(Verdict.margin))", .notWorse),
        claim("t3-ground-truth", "Table 3", "Ground-truth context-set log-likelihood 0.2806 ± 0.0005",
              "exact predictor, kernel as released, minus the paper's value (combined standard errors; agreement within ±\(Verdict.margin))", .matches),
    ]

    static func claim(_ id: String, _ item: String, _ statement: String, _ test: String, _ kind: Claim.Kind) -> Claim {
        Claim(id: id, experiment: "gibbs1d", paperItem: item, statement: statement, test: test, kind: kind)
    }

    /// Metrics of a finished run, without training or evaluating (nil when absent or of an older version).
    func existingMetrics(_ config: RunConfig) -> RunMetrics? {
        store.existingMetrics(config, RunMetrics.self, isCurrent: isCurrent)
    }

    /// Tests every claim on this scale's cached results; trains and evaluates nothing.
    public func evaluateClaims() -> [EvaluatedClaim] {
        func per(_ kind: ModelKind, b: Int? = nil) -> PerTaskLogLikelihoods? {
            existingMetrics(b.map { ablationRun(kind, $0) } ?? runConfig(kind))?.perTask
        }
        func paired(_ a: [Double]?, _ b: [Double]?) -> (Estimate?, String) {
            guard let a, let b else { return (nil, "runs missing") }
            let ea = Estimate(a), eb = Estimate(b)
            return (Estimate(pairedDifference: a, minus: b), String(format: "%.3f vs %.3f over %d tasks", ea.mean, eb.mean, a.count))
        }
        /// Per seed of the replicated kinds: the task-averaged difference picked by `values` from the two runs.
        func seeded(_ a: ModelKind, _ b: ModelKind, _ values: (PerTaskLogLikelihoods, PerTaskLogLikelihoods) -> ([Double], [Double])?) -> Estimate? {
            seedDifferences(a, b, metrics: existingMetrics, values)
        }
        /// "The biggest gain comes from the first fixed input" as two paired tests that must both hold (an
        /// intersection–union test, so neither needs a stricter threshold): the first input's gain ℓ₁ − ℓ₀ is
        /// positive, and it exceeds the gain of the next 15, (ℓ₁ − ℓ₀) − (ℓ₁₆ − ℓ₁). The weaker one is returned.
        func firstGain(_ kind: ModelKind) -> (Estimate?, String) {
            guard let l0 = per(kind, b: 0)?.inDistribution, let l1 = per(kind, b: 1)?.inDistribution,
                  let l16 = per(kind, b: 16)?.inDistribution else { return (nil, "runs missing") }
            let first = zip(l1, l0).map { $0 - $1 }, rest = zip(l16, l1).map { $0 - $1 }
            let gain = Estimate(first), margin = Estimate(pairedDifference: first, minus: rest)
            let detail = String(format: "B = 0, 1, 16: %.3f, %.3f, %.3f over %d tasks; B = 1 − B = 0 %+.3f ± %.3f, minus (B = 16 − B = 1) %+.3f ± %.3f",
                                Estimate(l0).mean, Estimate(l1).mean, Estimate(l16).mean, l0.count,
                                gain.mean, gain.standardError, margin.mean, margin.standardError)
            return (gain.standardErrors <= margin.standardErrors ? gain : margin, detail)
        }
        func seededID(_ a: ModelKind, _ b: ModelKind) -> Estimate? { seeded(a, b) { ($0.inDistribution, $1.inDistribution) } }
        func seededComponent(_ a: ModelKind) -> Estimate? {
            seeded(a, a) { p, _ in p.inDistributionEquivariantComponent.map { (p.inDistribution, $0) } }
        }
        // The in-distribution test tasks whose targets reach the change point (|c| < 3), in test-set order.
        let nearChangePoint = testTasks(.inDistribution).1.map { abs($0.centre) < 3 }
        func near(_ v: [Double]?) -> [Double]? {
            guard let v, v.count == nearChangePoint.count else { return nil }
            return zip(v, nearChangePoint).filter(\.1).map(\.0)
        }
        func nearPair(_ x: [Double], _ y: [Double]) -> ([Double], [Double])? {
            guard let a = near(x), let b = near(y) else { return nil }
            return (a, b)
        }
        func seededNearID(_ a: ModelKind, _ b: ModelKind) -> Estimate? { seeded(a, b) { nearPair($0.inDistribution, $1.inDistribution) } }
        func seededNearComponent(_ a: ModelKind) -> Estimate? {
            seeded(a, a) { p, _ in p.inDistributionEquivariantComponent.flatMap { nearPair(p.inDistribution, $0) } }
        }
        let acrossSeeds: [String: Estimate?] = [
            "t1-convcnp": seededID(.convCNPTApprox, .convCNPT),
            "t1-equivcnp": seededID(.equivCNPEApprox, .equivCNPE),
            "fi-convcnp": seededComponent(.convCNPTApprox),
            "fi-equivcnp": seededComponent(.equivCNPEApprox),
            "t1-ood-convcnp": seeded(.convCNPTApprox, .convCNPT) { ($0.outOfDistribution, $1.outOfDistribution) },
            "t1-convcnp-near": seededNearID(.convCNPTApprox, .convCNPT),
            "t1-equivcnp-near": seededNearID(.equivCNPEApprox, .equivCNPE),
            "fi-convcnp-near": seededNearComponent(.convCNPTApprox),
            "fi-equivcnp-near": seededNearComponent(.equivCNPEApprox),
        ]
        return Self.claims.map { c in
            let result: (Estimate?, String)
            switch c.id {
            case "t1-convcnp": result = paired(per(.convCNPTApprox)?.inDistribution, per(.convCNPT)?.inDistribution)
            case "t1-equivcnp": result = paired(per(.equivCNPEApprox)?.inDistribution, per(.equivCNPE)?.inDistribution)
            case "t1-tnp": result = paired(per(.tnpTApprox)?.inDistribution, per(.tnpT)?.inDistribution)
            case "t1-relaxed": result = paired(per(.relaxedConvCNP)?.inDistribution, per(.convCNPT)?.inDistribution)
            case "fi-convcnp": result = paired(per(.convCNPTApprox)?.inDistribution, per(.convCNPTApprox)?.inDistributionEquivariantComponent)
            case "fi-equivcnp": result = paired(per(.equivCNPEApprox)?.inDistribution, per(.equivCNPEApprox)?.inDistributionEquivariantComponent)
            case "fi-tnp": result = paired(per(.tnpTApprox)?.inDistribution, per(.tnpTApprox)?.inDistributionEquivariantComponent)
            case "t1-convcnp-near": result = paired(near(per(.convCNPTApprox)?.inDistribution), near(per(.convCNPT)?.inDistribution))
            case "t1-equivcnp-near": result = paired(near(per(.equivCNPEApprox)?.inDistribution), near(per(.equivCNPE)?.inDistribution))
            case "fi-convcnp-near":
                result = paired(near(per(.convCNPTApprox)?.inDistribution), near(per(.convCNPTApprox)?.inDistributionEquivariantComponent))
            case "fi-equivcnp-near":
                result = paired(near(per(.equivCNPEApprox)?.inDistribution), near(per(.equivCNPEApprox)?.inDistributionEquivariantComponent))
            case "t1-recover-tnp": result = paired(per(.tnpTApprox)?.inDistribution, per(.tnp)?.inDistribution)
            case "t1-ood-convcnp": result = paired(per(.convCNPTApprox)?.outOfDistribution, per(.convCNPT)?.outOfDistribution)
            case "t1-ood-tnp": result = paired(per(.tnpTApprox)?.outOfDistribution, per(.tnpT)?.outOfDistribution)
            case "t1-ood-tnp-fails": result = paired(per(.tnpT)?.outOfDistribution, per(.tnp)?.outOfDistribution)
            case "t5-first-convcnp": result = firstGain(.convCNPTApprox)
            case "t5-first-tnp": result = firstGain(.tnpTApprox)
            case "t5-more-convcnp": result = paired(per(.convCNPTApprox, b: 16)?.inDistribution, per(.convCNPTApprox, b: 1)?.inDistribution)
            case "t5-more-tnp": result = paired(per(.tnpTApprox, b: 16)?.inDistribution, per(.tnpTApprox, b: 1)?.inDistribution)
            case "t3-ground-truth":
                if let gt = try? readJSON(GroundTruthMetrics.self, from: groundTruthURL), let r = gt.contextSet[GibbsKernel.asReleased.rawValue] {
                    let se = (r.standardError * r.standardError + GroundTruthMetrics.paperContextError * GroundTruthMetrics.paperContextError).squareRoot()
                    var d = Estimate([]); d.mean = r.mean - GroundTruthMetrics.paperContextValue; d.standardError = se; d.count = r.count
                    result = (d, String(format: "%.4f ± %.4f (%d tasks) vs 0.2806 ± 0.0005", r.mean, r.standardError, r.count))
                } else { result = (nil, "ground truth not computed") }
            default: fatalError("claim \(c.id) has no test")
            }
            return EvaluatedClaim(c, scale: scale.name, difference: result.0, acrossSeeds: acrossSeeds[c.id] ?? nil, detail: result.1)
        }
    }

    /// The claims table: every claim, its test, the difference ± paired standard error, and the verdict.
    @discardableResult
    public func claimsTable() throws -> URL {
        let started = Date()
        let evaluated = evaluateClaims()
        let table = try EvaluatedClaim.table(evaluated, experimentTitle: "the 1-D experiment", label: "tab:gibbs1d-claims", budget: budgetSummary, note: scaleNote)
        try writeJSON(evaluated, to: tablesDirectory.appendingPathComponent("claims-gibbs1d.verdicts.json"))
        return try write(table, name: "claims-gibbs1d", item: "Claims (1-D)", runs: [], started: started)
    }
}

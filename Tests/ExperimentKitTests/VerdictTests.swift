import ExperimentKit
import NPTraining
import Testing

/// The verdict rules of `ExperimentKit`'s claims: a claim's verdict comes from a paired difference, its standard
/// error and, with few units, a Student-t critical value.
struct VerdictTests {
    @Test func verdictRules() {
        func e(_ mean: Double, _ se: Double) -> Estimate { var x = Estimate([]); x.mean = mean; x.standardError = se; x.count = 100; return x }
        #expect(Verdict.of(.greater, e(0.031, 0.01)) == .supported)
        #expect(Verdict.of(.greater, e(0.029, 0.01)) == .notResolved)
        #expect(Verdict.of(.greater, e(-0.05, 0.01)) == .contradicted)
        // "Not worse" is non-inferiority with the margin: 3 standard errors above −0.01 supports it, 3 below
        // contradicts it, and a difference that is merely not significantly negative leaves it open.
        #expect(Verdict.margin == 0.01)
        #expect(Verdict.of(.notWorse, e(0.001, 0.002)) == .supported)       // (0.001 + 0.01) / 0.002 = 5.5
        #expect(Verdict.of(.notWorse, e(0.001, 0.004)) == .notResolved)     // 0.011 / 0.004 = 2.75
        #expect(Verdict.of(.notWorse, e(-0.004, 0.001)) == .supported)      // significantly negative, but inside the margin
        #expect(Verdict.of(.notWorse, e(0.001, 0.02)) == .notResolved)      // "no evidence of harm" is not evidence of none
        #expect(Verdict.of(.notWorse, e(-0.05, 0.01)) == .contradicted)
        #expect(Verdict.of(.notWorse, e(-0.03, 0.01)) == .notResolved)      // 2 s.e. below the margin
        // "No difference" is equivalence within ±0.01.
        #expect(Verdict.of(.matches, e(0.0001, 0.0006)) == .supported)
        #expect(Verdict.of(.matches, e(-0.013, 0.172)) == .notResolved)     // a wide interval is not agreement
        #expect(Verdict.of(.matches, e(0.227, 0.02)) == .contradicted)
        #expect(Verdict.of(.matches, e(0.005, 0)) == .supported)            // exact and inside the band
        #expect(Verdict.of(.greater, nil) == .notMeasured)
        // A range claim is a "greater" claim on the distance inside the range.
        #expect(abs(e(3.5, 0.1).distanceInside(2...4).mean - 0.5) < 1e-12)
        #expect(abs(e(1.0, 0.1).distanceInside(2...4).mean + 1.0) < 1e-12)
        #expect(Verdict.of(.greater, e(3.0, 0.1).distanceInside(2...4)) == .supported)
        #expect(Verdict.of(.greater, e(3.9, 0.1).distanceInside(2...4)) == .notResolved)
        #expect(Verdict.of(.greater, e(644, 206).distanceInside(2...4)) == .contradicted)
        // Few units: the same tail probability as 3 normal standard errors needs far more standard errors.
        #expect(abs(Verdict.tailProbability - 0.0026998) < 1e-6)
        #expect(Verdict.criticalValue(degreesOfFreedom: nil) == 3)
        #expect(abs(Verdict.criticalValue(degreesOfFreedom: 2) - 19.21) < 0.01)
        #expect(Verdict.of(.greater, e(0.05, 0.003), degreesOfFreedom: 2) == .notResolved)     // z = 16.7 < 19.2
        #expect(Verdict.of(.greater, e(0.05, 0.002), degreesOfFreedom: 2) == .supported)       // z = 25
        #expect(Verdict.of(.greater, e(0.05, 0.003)) == .supported)
        let threeSeeds = EvaluatedClaim(Claim(id: "x", experiment: "x", paperItem: "x", statement: "x", test: "x", kind: .greater),
                                        scale: "x", difference: e(0.05, 0.001), acrossSeeds: Estimate([0.04, 0.05, 0.062]), detail: "")
        #expect(threeSeeds.verdict == .notResolved && abs(threeSeeds.criticalValue! - 19.21) < 0.01)
        #expect(abs(threeSeeds.statistic! - threeSeeds.acrossSeeds!.standardErrors) < 1e-12)
        // Paired: a constant offset on top of a large task-to-task spread is resolved exactly.
        let a = (0..<50).map { Double($0) }, b = a.map { $0 - 0.1 }
        let d = Estimate(pairedDifference: a, minus: b)
        #expect(abs(d.mean - 0.1) < 1e-12 && d.standardError < 1e-12)
    }
}

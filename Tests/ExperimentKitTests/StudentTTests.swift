import ExperimentKit
import Foundation
import Testing

/// The t distribution's tails against closed forms (ν = 1: Cauchy; ν = 2) and the normal limit.
struct StudentTTests {
    @Test func tailsMatchClosedForms() {
        for t in [0.0, 0.3, 1.0, 2.5, 19.2, 300] {
            let cauchy = 1 - 2 / Double.pi * atan(t)
            let two = 1 - t / (2 + t * t).squareRoot()
            #expect(abs(StudentT.twoSidedTail(t, degreesOfFreedom: 1) - cauchy) < 1e-9, "ν = 1, t = \(t)")
            #expect(abs(StudentT.twoSidedTail(t, degreesOfFreedom: 2) - two) < 1e-9, "ν = 2, t = \(t)")
        }
        #expect(abs(StudentT.twoSidedTail(3, degreesOfFreedom: 1e7) - erfc(3 / 2.0.squareRoot())) < 1e-6)
    }

    @Test func criticalValuesInvertTheTail() {
        let p = erfc(3 / 2.0.squareRoot())
        // ν = 2 in closed form: t = √(2(1 − p)² / (1 − (1 − p)²)).
        let two = (2 * (1 - p) * (1 - p) / (1 - (1 - p) * (1 - p))).squareRoot()
        #expect(abs(StudentT.criticalValue(twoSidedTail: p, degreesOfFreedom: 2) - two) < 1e-6)
        #expect(abs(StudentT.criticalValue(twoSidedTail: p, degreesOfFreedom: 1) - tan(Double.pi / 2 * (1 - p))) < 1e-4)
        #expect(abs(StudentT.criticalValue(twoSidedTail: 0.05, degreesOfFreedom: 10) - 2.228) < 1e-3)   // the textbook table
        #expect(abs(StudentT.criticalValue(twoSidedTail: p, degreesOfFreedom: 1e7) - 3) < 1e-4)
    }
}

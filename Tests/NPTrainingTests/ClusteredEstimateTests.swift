import NPTraining
import Testing

/// The month-clustered standard error of `Estimate(_:clusters:)`.
@Suite struct ClusteredEstimateTests {
    @Test func oneValuePerClusterGivesThePlainStandardError() {
        let v = [0.3, -1.2, 2.5, 0.7, 1.1, -0.4]
        let plain = Estimate(v), clustered = Estimate(v, clusters: [5, 1, 9, 2, 7, 3])
        #expect(abs(plain.mean - clustered.mean) < 1e-15)
        #expect(abs(plain.standardError - clustered.standardError) < 1e-12)
    }

    /// Values repeated within a cluster carry no new information: the clustered error is the error of the
    /// cluster means, √k times the plain one for k identical copies.
    @Test func duplicatedValuesWithinAClusterDoNotShrinkTheError() {
        let base = [0.3, -1.2, 2.5, 0.7, 1.1]
        let k = 4
        let values = base.flatMap { Array(repeating: $0, count: k) }
        let clusters = base.indices.flatMap { Array(repeating: $0, count: k) }
        let clustered = Estimate(values, clusters: clusters), plain = Estimate(values)
        #expect(abs(clustered.standardError - Estimate(base).standardError) < 1e-12)
        #expect(clustered.standardError > 1.9 * plain.standardError)
        #expect(clustered.count == values.count)
    }

    @Test func pairedClusteredDifference() {
        let a = [1.0, 2.0, 3.0, 4.0], b = [0.5, 1.0, 2.0, 4.5]
        let e = Estimate(pairedDifference: a, minus: b, clusters: [0, 0, 1, 1])
        #expect(abs(e.mean - 0.5) < 1e-15)
        // Cluster sums of deviations: (0.5 − 0.5) + (1 − 0.5) = 0.5 and (1 − 0.5) + (−0.5 − 0.5) = −0.5; G = 2, n = 4.
        #expect(abs(e.standardError - (2.0 * (0.25 + 0.25)).squareRoot() / 4) < 1e-12)
    }
}

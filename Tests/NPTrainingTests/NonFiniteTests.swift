import NPTraining
import Testing

@Suite struct NonFiniteTests {
    @Test func nonFiniteTaskValuesAreFoundAndDescribed() {
        #expect(Evaluation.nonFiniteReport(model: "ConvCNP", [("test", [1, 2, -3])]) == nil)
        let values: [Double] = [0.5, -.infinity, 1, .nan, 2, -.infinity, -.infinity, 3, .infinity, -.infinity, 9]
        let report = Evaluation.nonFiniteReport(model: "ConvCNP (T) approx", [("context", [1, 2]), ("test", values)])!
        #expect(report.problems.count == 1 && report.problems[0].count == 6 && report.problems[0].total == 11)
        #expect(report.problems[0].firstIndices == [1, 3, 5, 6, 8])
        #expect(report.description.hasPrefix("model ConvCNP (T) approx gives non-finite metrics: 6 of 11 tasks of the test set have a non-finite value (first at tasks 1 (-inf), 3 (nan), 5 (-inf), 6 (-inf), 8 (inf))"),
                "\(report)")
    }
}

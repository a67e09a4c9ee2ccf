import Foundation
import NPAutodiff
import NPModels
import NPNN
import NPTensor
import NPTestSupport
import Testing

@Suite struct ModelGradientAndTrainingTests {
    /// Each model's parameter gradients against central differences of the loss, on a sample of elements
    /// (`parameterGradientMismatches`: parameters jittered off ReLU kinks, eps = 1e-3); a perturbation can still
    /// cross a kink, which spoils that one element, so up to 5 % of sampled elements may miss.
    @Test(arguments: ModelKind.allCases)
    func parameterGradientsMatchFiniteDifferences(_ kind: ModelKind) {
        let model = makeModel(kind, seed: 3)
        let (failures, checked) = parameterGradientMismatches(model, randomBatch(tasks: 2, context: 5, targets: 6, seed: 20))
        // A ReLU kink can spoil an occasional element; a real bug spoils whole parameters.
        #expect(failures.count <= checked / 20 + 1, "\(kind.displayName): \(failures.count)/\(checked) mismatches: \(failures.prefix(6))")
    }

    /// A few hundred AdamW steps on a fixed small set of tasks lower the loss of every model.
    @Test(arguments: ModelKind.allCases)
    func trainingLowersTheLoss(_ kind: ModelKind) {
        let model = makeModel(kind, seed: 4)
        let opt = AdamW(model.parameters, .init(learningRate: 1e-3))
        let batches = (0..<4).map { randomBatch(tasks: 4, context: 10, targets: 12, seed: 100 + UInt64($0)) }
        let losses = trainingLosses(model, optimiser: opt, batches: batches, steps: 300)
        if ProcessInfo.processInfo.environment["AENP_PRINT_LOSSES"] != nil { print(kind, stride(from: 0, to: 300, by: 30).map { losses[$0] }) }
        let (first, last) = firstAndLastLoss(losses)
        #expect(last < first - 0.2, "\(kind.displayName): loss \(first) → \(last)")
    }
}

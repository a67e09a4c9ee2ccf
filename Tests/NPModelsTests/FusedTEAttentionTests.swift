import Foundation
import NPAutodiff
import NPModels
import NPNN
import NPTensor
import NPTestSupport
import Testing

/// The fused TE logit op is a drop-in for the 1-D TE-TNPs: the committed checkpoints load (parameter names and
/// shapes unchanged) and predictions and gradients equal those of the unfused composition to float rounding.
@Suite struct FusedTEAttentionTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test(arguments: [("tnp-t-366e18a22be9", ModelKind.tnpT, nil as Int?), ("tnp-t-approx-B4-8a2e98718b9a", .tnpTApprox, 4)])
    func committedCheckpointsLoadAndPredictAsBefore(_ run: String, _ kind: ModelKind, _ b: Int?) throws {
        let url = Self.root.appendingPathComponent("results/gibbs1d/quick/runs/\(run)/checkpoint.safetensors")
        var rng = RandomGenerator(seed: 1)
        guard let model = ModelSpec.gibbs1D(kind, preset: .quick, fixedInputCount: b).build(rng: &rng) as? TNP else {
            Issue.record("the TE-TNP is a TNP"); return
        }
        try Checkpoint.load(into: model.parameters, optimiser: nil, from: url)
        let batch = randomBatch(tasks: 2, context: 12, targets: 10, range: -4...4, seed: 70)
        let fused = outputs(model, batch)
        model.logitImplementation = .reference
        let reference = outputs(model, batch)
        #expect(relativeDifference(fused, reference) < 1e-5, "\(kind.displayName): \(relativeDifference(fused, reference))")
    }

    @Test(arguments: [1, 2])
    func parameterGradientsEqualTheReferenceComposition(_ dx: Int) {
        let spec = ModelSpec.attention(.tnpTApprox, sizes: ModelPreset.ci.tnp, inputDimension: dx,
                                       domain: DomainBox(lower: [Float](repeating: -7, count: dx), upper: [Float](repeating: 7, count: dx)), fourierRange: 14)
        var rng = RandomGenerator(seed: 5)
        let model = spec.build(rng: &rng) as! TNP
        let batch = randomBatch(tasks: 3, dimension: dx, contextCounts: [4, 7, 6], targetCounts: [5, 3, 8], seed: 71)
        func gradients(_ implementation: MultiHeadAttention.LogitImplementation) -> (Float, [[Float]]) {
            model.logitImplementation = implementation
            model.parameters.zeroGrad()
            let tape = Tape()
            let loss = model.loss(tape, batch, fixedInputs: .on)
            tape.backward(from: loss)
            return (loss.scalars[0], model.parameters.parameters.map(\.grad.scalars))
        }
        let (lossFused, fused) = gradients(.fused), (lossReference, reference) = gradients(.reference)
        #expect(abs(lossFused - lossReference) <= 1e-5 * max(1, abs(lossReference)))
        let scale = reference.flatMap { $0 }.map(abs).max()!
        let worst = zip(fused, reference).map { maxAbsDifference($0, $1) }.max()!
        #expect(worst / scale < 1e-5, "largest gradient difference \(worst) at gradient scale \(scale)")
    }
}

/// The plain TNP's fused attention (`Tape.multiHeadAttention`) against its reference composition, on a padded
/// batch: predictions and every parameter gradient.
@Suite struct FusedStandardAttentionTests {
    @Test(arguments: [true, false])
    func tnpPredictionsAndGradientsEqualTheReferenceComposition(_ padded: Bool) {
        var rng = RandomGenerator(seed: 6)
        let model = ModelSpec.gibbs1D(.tnp, preset: .ci).build(rng: &rng) as! TNP
        let batch = padded ? randomBatch(tasks: 3, contextCounts: [4, 9, 6], targetCounts: [5, 3, 8], seed: 72)
                           : randomBatch(tasks: 3, context: 7, targets: 9, seed: 73)
        #expect(padded == (batch.contextMask != nil))
        func run(_ implementation: MultiHeadAttention.LogitImplementation) -> ([Float], Float, [[Float]]) {
            model.logitImplementation = implementation
            model.parameters.zeroGrad()
            let y = outputs(model, batch)
            let tape = Tape()
            let loss = model.loss(tape, batch, fixedInputs: .on)
            tape.backward(from: loss)
            return (y, loss.scalars[0], model.parameters.parameters.map(\.grad.scalars))
        }
        let (yf, lf, gf) = run(.fused), (yr, lr, gr) = run(.reference)
        #expect(relativeDifference(yf, yr) < 1e-5, "\(relativeDifference(yf, yr))")
        #expect(abs(lf - lr) <= 1e-5 * max(1, abs(lr)))
        let scale = gr.flatMap { $0 }.map(abs).max()!
        let worst = zip(gf, gr).map { maxAbsDifference($0, $1) }.max()!
        #expect(worst / scale < 1e-5, "largest gradient difference \(worst) at gradient scale \(scale)")
    }
}

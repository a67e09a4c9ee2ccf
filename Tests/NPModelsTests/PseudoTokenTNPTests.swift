import Foundation
import NPAutodiff
import NPModels
import NPNN
import NPTensor
import NPTestSupport
import Testing

/// The pseudo-token TNPs in 2-D and 4-D, on padded batches of unequal task sizes (ci sizes: D_z 16, 2 layers,
/// M = 16 pseudo-tokens).
@Suite struct PseudoTokenTNPTests {
    static let kinds: [ModelKind] = [.ptTNP, .ptTNPT, .ptTNPTApprox]
    static let contextCounts = [5, 11, 8], targetCounts = [9, 4, 13]

    static func model(_ kind: ModelKind, dimension dx: Int, seed: UInt64 = 4) -> NeuralProcess {
        let spec = ModelSpec.attention(kind, sizes: ModelPreset.ci.tnp, inputDimension: dx,
                                       domain: DomainBox(lower: [Float](repeating: -7, count: dx), upper: [Float](repeating: 7, count: dx)), positionDivisor: 7)
        var rng = RandomGenerator(seed: seed)
        return spec.build(rng: &rng)
    }

    static func batch(dimension dx: Int, seed: UInt64 = 30, range: ClosedRange<Float> = -2...2) -> TaskBatch {
        randomBatch(tasks: 3, dimension: dx, range: range, contextCounts: contextCounts, targetCounts: targetCounts, seed: seed)
    }

    static let shifts: [Int: [[Float]]] = [2: [[0.1234, -2.71], [13.5, 4.2]], 4: [[0.37, -1.9, 5.5, 12.25], [-20.5, 3.3, 0.01, -4.75]]]

    @Test func factoryBuildsTheFamilyWithPaperSizes() {
        var rng = RandomGenerator(seed: 1)
        let spec = ModelSpec.attention(.ptTNPTApprox, sizes: ModelPreset.paper.tnp, inputDimension: 2, domain: DomainBox(lower: [-7, -7], upper: [7, 7]))
        let model = spec.build(rng: &rng) as! PseudoTokenTNP
        #expect(model.pseudoTokenCount == 128 && model.translationEquivariant && model.fixedInputDropout == 0.5)
        #expect(model.parameters["pseudo_locations"]?.shape == [128, 2] && model.parameters["pseudo_tokens"]?.shape == [128, 128])
        #expect(model.parameters["fixed_inputs.projection.weight"] == nil)   // B = D_z: added without a projection
        #expect(ModelKind.allCases.filter { $0.modelClass == "PT-TNP" } == Self.kinds)
        #expect(Self.kinds.map(\.displayName) == ["PT-TNP", "PT-TNP (T)", "PT-TNP (T\u{303})"])
    }

    /// PT-TNP (T): equivariant for any shift (the pseudo-locations follow the context mean); PT-TNP (T̃) with fixed
    /// inputs off, and with them on when every point (and hence every pseudo-location) lies outside the box.
    @Test(arguments: [2, 4])
    func teModelsAreTranslationEquivariantForAnyShift(_ dx: Int) {
        let b = Self.batch(dimension: dx)
        for kind in [ModelKind.ptTNPT, .ptTNPTApprox] {
            let model = Self.model(kind, dimension: dx)
            let sw: FixedInputSwitch = kind.isApproximatelyEquivariant ? .off : .on
            for s in Self.shifts[dx]! {
                #expect(equivarianceError(model, b, .translation(s), sw) < SymmetryTolerance.exact, "\(kind.displayName) \(dx)-D shift \(s)")
            }
        }
        let approx = Self.model(.ptTNPTApprox, dimension: dx)
        let outside = Self.batch(dimension: dx, range: 15...19)
        #expect(relativeDifference(outputs(approx, outside, .on), outputs(approx, outside, .off)) < SymmetryTolerance.exact)
        #expect(equivarianceError(approx, outside, .translation(Self.shifts[dx]![0]), .on) < SymmetryTolerance.exact)
    }

    /// With fixed inputs on inside the box the PT-TNP (T̃) is not equivariant; the plain PT-TNP is not either.
    @Test(arguments: [2, 4])
    func fixedInputsAndThePlainModelBreakTranslation(_ dx: Int) {
        let b = Self.batch(dimension: dx)
        let shift = Self.shifts[dx]![0]
        let approx = Self.model(.ptTNPTApprox, dimension: dx)
        #expect(equivarianceError(approx, b, .translation(shift), .on) > SymmetryTolerance.broken)
        #expect(relativeDifference(outputs(approx, b, .on), outputs(approx, b, .off)) > SymmetryTolerance.broken)
        #expect(equivarianceError(Self.model(.ptTNP, dimension: dx), b, .translation(shift)) > SymmetryTolerance.broken)
    }

    @Test(arguments: [2, 4])
    func predictionsDoNotDependOnContextOrder(_ dx: Int) {
        for kind in Self.kinds {
            #expect(permutationError(Self.model(kind, dimension: dx), Self.batch(dimension: dx)) < SymmetryTolerance.exact, "\(kind.displayName)")
        }
    }

    /// Padding is invisible: each task of a padded batch is predicted as it is alone, and other values in the
    /// padded context slots change nothing (the pseudo-locations use the masked mean).
    @Test(arguments: [2, 4])
    func paddingChangesNoPrediction(_ dx: Int) {
        let b = Self.batch(dimension: dx)
        for kind in Self.kinds {
            let model = Self.model(kind, dimension: dx)
            var means: [Float] = [], raws: [Float] = []
            for t in 0..<3 {
                let o = outputs(model, TaskBatch(padding: [b.task(t)]))
                means += o[..<(o.count / 2)]; raws += o[(o.count / 2)...]
            }
            #expect(relativeDifference(outputs(model, b), means + raws) < SymmetryTolerance.exact, "\(kind.displayName): alone")
            var scrambled = b
            for t in 0..<3 { for i in Self.contextCounts[t]..<b.contextCount {
                for d in 0..<dx { scrambled.xc.scalars[(t * b.contextCount + i) * dx + d] = 40 + Float(d) }
                scrambled.yc.scalars[t * b.contextCount + i] = 5
            } }
            #expect(relativeDifference(outputs(model, b), outputs(model, scrambled)) < SymmetryTolerance.exact, "\(kind.displayName): padded values")
        }
    }

    @Test func pseudoLocationsFollowTheMaskedContextMean() {
        let b = Self.batch(dimension: 2)
        let mean = PseudoTokenTNP.contextMean(b.xc, mask: b.contextMask)
        for t in 0..<3 {
            let real = b.task(t).xc
            for d in 0..<2 {
                let expected = (0..<real.shape[0]).map { real.scalars[$0 * 2 + d] }.reduce(0, +) / Float(real.shape[0])
                #expect(abs(mean.scalars[t * 2 + d] - expected) < 1e-5)
            }
        }
        let model = Self.model(.ptTNPT, dimension: 2) as! PseudoTokenTNP
        let v = model.pseudoLocations(Tape(recording: false), context: b.context)!
        let offsets = model.parameters["pseudo_locations"]!.scalars
        #expect(v.shape == [3, 16, 2] && abs(v.scalars[(1 * 16 + 5) * 2 + 1] - (offsets[5 * 2 + 1] + mean.scalars[1 * 2 + 1])) < 1e-6)
        #expect(Self.model(.ptTNP, dimension: 2).parameters["pseudo_locations"] == nil)
    }

    /// Parameter gradients against central differences in 2-D, with fixed inputs on (so that the pseudo-location
    /// offsets learn through both the logits and the fixed inputs) and with a mixed per-task switch.
    @Test(arguments: kinds)
    func parameterGradientsMatchFiniteDifferences(_ kind: ModelKind) {
        let model = Self.model(kind, dimension: 2, seed: 3)
        let b = randomBatch(tasks: 2, dimension: 2, contextCounts: [5, 3], targetCounts: [4, 6], seed: 20)
        let sw: FixedInputSwitch = kind.isApproximatelyEquivariant ? .perTask(keep: [true, false]) : .on
        let (failures, checked) = parameterGradientMismatches(model, b, fixedInputs: sw)
        #expect(failures.count <= checked / 20 + 1, "\(kind.displayName): \(failures.count)/\(checked) mismatches: \(failures.prefix(6))")
        if kind != .ptTNP { #expect(model.parameters["pseudo_locations"]!.grad.scalars.contains { $0 != 0 }) }
    }

    /// The fused logit op in the model: loss and every parameter gradient (the offsets' included) as with the
    /// unfused composition.
    @Test func fusedAndReferenceLogitsAgreeInTheModel() {
        let model = Self.model(.ptTNPTApprox, dimension: 4) as! PseudoTokenTNP
        let b = Self.batch(dimension: 4)
        func gradients(_ implementation: MultiHeadAttention.LogitImplementation) -> (Float, [[Float]]) {
            model.logitImplementation = implementation
            model.parameters.zeroGrad()
            let tape = Tape()
            let loss = model.loss(tape, b, fixedInputs: .on)
            tape.backward(from: loss)
            return (loss.scalars[0], model.parameters.parameters.map(\.grad.scalars))
        }
        let (lf, gf) = gradients(.fused), (lr, gr) = gradients(.reference)
        #expect(abs(lf - lr) <= 1e-5 * max(1, abs(lr)))
        let scale = gr.flatMap { $0 }.map(abs).max()!
        #expect(zip(gf, gr).map { maxAbsDifference($0, $1) }.max()! / scale < 1e-5)
    }

    /// A few hundred AdamW steps on a fixed small set of padded 2-D and 4-D tasks lower the loss of every model.
    @Test(arguments: [2, 4])
    func trainingLowersTheLoss(_ dx: Int) {
        let batches = (0..<4).map { i in
            randomBatch(tasks: 4, dimension: dx, range: -1...1, contextCounts: [10, 7, 12, 9], targetCounts: [12, 12, 8, 10], seed: 100 + UInt64(i))
        }
        for kind in Self.kinds {
            let model = Self.model(kind, dimension: dx, seed: 4)
            let opt = AdamW(model.parameters, .init(learningRate: 1e-3))
            let losses = trainingLosses(model, optimiser: opt, batches: batches, steps: 200)
            let (first, last) = firstAndLastLoss(losses)
            #expect(last < first - 0.2, "\(kind.displayName) \(dx)-D: loss \(first) → \(last)")
        }
    }
}

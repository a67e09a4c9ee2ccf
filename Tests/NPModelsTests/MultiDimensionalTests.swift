import NPAutodiff
import NPModels
import NPNN
import NPTensor
import NPTestSupport
import Testing

/// Models on 2-D inputs with tasks of unequal sizes (padded batches with masks).
@Suite struct MultiDimensionalTests {
    static let contextCounts = [5, 11, 8], targetCounts = [9, 4, 13]

    static func model(_ kind: ModelKind, dimension dx: Int = 2) -> NeuralProcess {
        let box = DomainBox(lower: [Float](repeating: -7, count: dx), upper: [Float](repeating: 7, count: dx))
        let spec: ModelSpec
        if case .convolutional(let recipe, _) = kind.recipe {
            spec = .convStack(kind, sizes: ModelPreset.ci.convCNP, inputDimension: dx, domain: box, positionDivisor: 7, dropout: recipe == .relaxed ? 0.5 : 0.1)
        } else {
            spec = .attention(kind, sizes: ModelPreset.ci.tnp, inputDimension: dx, domain: box, positionDivisor: 7, fourierRange: 14)
        }
        var rng = RandomGenerator(seed: 4)
        return spec.build(rng: &rng)
    }

    static func batch(seed: UInt64 = 30, range: ClosedRange<Float> = -2...2) -> TaskBatch {
        randomBatch(tasks: 3, dimension: 2, range: range, contextCounts: contextCounts, targetCounts: targetCounts, seed: seed)
    }

    static let kinds: [ModelKind] = [.tnp, .tnpT, .tnpTApprox, .convCNPT, .convCNPTApprox, .relaxedConvCNP]

    @Test func paddedBatchHasMasksAndGivesBackEachTask() {
        let b = Self.batch()
        #expect(b.contextCount == 11 && b.targetCount == 13 && b.isPadded)
        #expect((0..<3).map { b.task($0).xc.shape[0] } == Self.contextCounts)
        #expect((0..<3).map { b.realTargets(task: $0) } == Self.targetCounts)
        #expect(TaskBatch(padding: (0..<3).map { b.task($0) }) == b)
    }

    /// Padding is invisible: padding further (more repeated points) or changing what the padded entries hold
    /// changes no prediction at a real target.
    @Test(arguments: kinds)
    func paddingChangesNoPrediction(_ kind: ModelKind) {
        let model = Self.model(kind)
        let b = Self.batch()
        var wider = (0..<3).map { b.task($0) }
        wider.append(SingleTask(xc: randomTensor([15, 2], seed: 8), yc: randomTensor([15, 1], seed: 9),
                                xt: randomTensor([17, 2], seed: 10), yt: randomTensor([17, 1], seed: 11)))
        let padded = TaskBatch(padding: wider)   // 15 context, 17 target slots; drop the extra task again:
        let first3 = TaskBatch(xc: slice(padded.xc), yc: slice(padded.yc), xt: slice(padded.xt), yt: slice(padded.yt),
                               contextMask: slice(padded.contextMask!), targetMask: slice(padded.targetMask!))
        #expect(relativeDifference(outputs(model, b), outputs(model, first3)) < SymmetryTolerance.exact)
        // Other finite values in the padded context slots (here: real points of the same task, different ones).
        var scrambled = b
        for t in 0..<3 { for i in Self.contextCounts[t]..<b.contextCount {
            for d in 0..<2 { scrambled.xc.scalars[(t * b.contextCount + i) * 2 + d] = b.xc.scalars[(t * b.contextCount) * 2 + d] }
            scrambled.yc.scalars[t * b.contextCount + i] = 5
        } }
        #expect(relativeDifference(outputs(model, b), outputs(model, scrambled)) < SymmetryTolerance.exact)
    }

    /// The attention models see nothing of other tasks: a padded batch predicts each task as it would alone.
    @Test(arguments: [ModelKind.tnp, .tnpT, .tnpTApprox])
    func transformersPredictEachTaskAsAlone(_ kind: ModelKind) {
        let model = Self.model(kind)
        let b = Self.batch()
        let together = outputs(model, b)
        var alone: [Float] = []
        var means: [Float] = [], raws: [Float] = []
        for t in 0..<3 {
            let o = outputs(model, TaskBatch(padding: [b.task(t)]))
            means += o[..<(o.count / 2)]; raws += o[(o.count / 2)...]
        }
        alone = means + raws
        #expect(relativeDifference(together, alone) < SymmetryTolerance.exact)
    }

    @Test(arguments: kinds)
    func predictionsDoNotDependOnContextOrder(_ kind: ModelKind) {
        #expect(permutationError(Self.model(kind), Self.batch()) < SymmetryTolerance.exact)
    }

    /// Translation equivariance in 2-D: the TE-TNP for any shift, the ConvCNPs for shifts on their lattice
    /// (1/16 at the ci preset); the approximately equivariant models with fixed inputs off, and with them on
    /// when every point lies outside the fixed-input box. The plain TNP is not equivariant.
    @Test(arguments: [ModelKind.tnpT, .tnpTApprox, .convCNPT, .convCNPTApprox, .relaxedConvCNP])
    func equivariantComponentsAreTranslationEquivariantIn2D(_ kind: ModelKind) {
        let model = Self.model(kind)
        let b = Self.batch()
        let isTE = kind == .tnpT || kind == .tnpTApprox
        let shifts: [[Float]] = isTE ? [[0.1234, -2.71], [13.5, 4.2]] : [[1.25, -0.5], [3, 2.0625]]
        let sw: FixedInputSwitch = kind.isApproximatelyEquivariant ? .off : .on
        for s in shifts {
            #expect(equivarianceError(model, b, .translation(s), sw) < SymmetryTolerance.exact, "\(kind.displayName) shift \(s)")
        }
        if kind.isApproximatelyEquivariant {
            #expect(equivarianceError(model, b, .translation(shifts[0]), .on) > SymmetryTolerance.broken, "\(kind.displayName): fixed inputs on")
            let outside = Self.batch(range: 13...19)
            #expect(equivarianceError(model, outside, .translation(shifts[0]), .on) < SymmetryTolerance.exact)
        }
    }

    @Test func plainTNPIsNotTranslationEquivariantIn2D() {
        #expect(equivarianceError(Self.model(.tnp), Self.batch(), .translation([1.25, -0.5])) > SymmetryTolerance.broken)
    }

    /// With one isotropic lengthscale and the grid's lattice symmetric under the square's symmetries, the
    /// SetConv encoder–decoder path alone (no CNN: zero layers) is D4-equivariant; a CNN of plain kernels is not.
    @Test func isotropicSetConvPathIsD4EquivariantAndPlainKernelsAreNot() {
        let group = InputTransform.dihedral4()
        let b = Self.batch(seed: 31)
        func convCNP(layers: Int) -> NeuralProcess {
            var rng = RandomGenerator(seed: 6)
            return ConvCNP(config: .init(channels: 8, layers: layers, kernel: 5, pointsPerUnit: 16), convolution: .plain, fixedInputs: nil,
                           inputDimension: 2, kernelShape: .isotropic, rng: &rng)
        }
        #expect(worstEquivarianceError(convCNP(layers: 0), b, over: group).error < SymmetryTolerance.exact)
        #expect(worstEquivarianceError(convCNP(layers: 2), b, over: group).error > SymmetryTolerance.broken)
    }

    @Test func lossIgnoresPaddedTargets() {
        let model = Self.model(.convCNPT)
        let b = Self.batch()
        let loss = model.loss(Tape(recording: false), b, fixedInputs: .on).scalars[0]
        // By hand: the mean of the log-likelihoods of the real targets only.
        let tape = Tape(recording: false)
        let ll = model.predict(tape, b, fixedInputs: .on).logLikelihood(tape, b.yt).scalars
        var sum = 0.0, n = 0
        for t in 0..<3 { for i in 0..<Self.targetCounts[t] { sum += Double(ll[t * b.targetCount + i]); n += 1 } }
        #expect(abs(Double(loss) + sum / Double(n)) < 1e-5)
    }

    private func slice(_ t: Tensor) -> Tensor {
        let per = t.count / t.shape[0]
        return Tensor(shape: [3] + t.shape.dropFirst(), scalars: Array(t.scalars[0..<(3 * per)]))
    }
}

import NPNN
import NPAutodiff
import NPModels
import NPTensor
import NPTestSupport
import Testing

/// Symmetry properties of every 1-D model on randomly initialised weights and random data.
///
/// Tolerances: exact symmetries hold up to Float32 rounding of shifted coordinates, so "equal" means a
/// relative difference below 1e-4; "not equivariant" means a relative difference above 1e-3 — a fixed-input
/// contribution at initialisation is orders of magnitude larger than rounding.
@Suite struct SymmetryTests {
    static let translationModels: [ModelKind] = ModelKind.allCases.filter { $0.symmetry != "none" }
    static let exactTol: Float = 1e-4
    static let brokenTol: Float = 1e-3

    /// Shifts by a multiple of the ci preset's grid spacing (1/16), which keeps the ConvCNP grid aligned.
    static let shift: Float = 1.25

    @Test(arguments: translationModels)
    func equivariantComponentIsTranslationEquivariant(_ kind: ModelKind) {
        let model = makeModel(kind)
        let b = randomBatch(seed: 10)
        let sw: FixedInputSwitch = kind.isApproximatelyEquivariant ? .off : .on
        let d = relativeDifference(outputs(model, b, sw), outputs(model, b.shifted(by: [Self.shift]), sw))
        #expect(d < Self.exactTol, "\(kind.displayName): relative change \(d) under a shift")
    }

    @Test func teTNPIsEquivariantForAnyShift() {
        let model = makeModel(.tnpT)
        let b = randomBatch(seed: 11)
        for s: Float in [0.1234, -2.71, 13.5] {
            #expect(relativeDifference(outputs(model, b), outputs(model, b.shifted(by: [s]))) < Self.exactTol)
        }
    }

    @Test(arguments: ModelKind.allCases.filter(\.isApproximatelyEquivariant))
    func approximatelyEquivariantModelsBreakTranslationWithFixedInputsOn(_ kind: ModelKind) {
        let model = makeModel(kind)
        let b = randomBatch(seed: 12)
        let d = relativeDifference(outputs(model, b, .on), outputs(model, b.shifted(by: [Self.shift]), .on))
        #expect(d > Self.brokenTol, "\(kind.displayName): only \(d) with fixed inputs on")
        // …and the fixed inputs matter at all: switching them off changes the prediction.
        #expect(relativeDifference(outputs(model, b, .on), outputs(model, b, .off)) > Self.brokenTol)
    }

    @Test(arguments: ModelKind.allCases.filter(\.isApproximatelyEquivariant))
    func outsideTheFixedInputBoxEquivarianceReturns(_ kind: ModelKind) {
        let model = makeModel(kind)
        let b = randomBatch(range: 13...19, seed: 13)   // entirely outside (−7, 7), also after the shift
        let d = relativeDifference(outputs(model, b, .on), outputs(model, b.shifted(by: [Self.shift]), .on))
        #expect(d < Self.exactTol, "\(kind.displayName): \(d) outside the box")
        #expect(relativeDifference(outputs(model, b, .on), outputs(model, b, .off)) < Self.exactTol)
    }

    @Test func nonEquivariantTNPIsNotTranslationEquivariant() {
        let model = makeModel(.tnp)
        let b = randomBatch(seed: 14)
        #expect(relativeDifference(outputs(model, b), outputs(model, b.shifted(by: [Self.shift]))) > Self.brokenTol)
    }

    @Test(arguments: [ModelKind.equivCNPE, .equivCNPEApprox])
    func equivCNPIsReflectionEquivariant(_ kind: ModelKind) {
        let model = makeModel(kind)
        let b = randomBatch(seed: 15)
        let sw: FixedInputSwitch = kind.isApproximatelyEquivariant ? .off : .on
        #expect(relativeDifference(outputs(model, b, sw), outputs(model, b.transformed(by: .pointReflection(dimension: 1)), sw)) < Self.exactTol)
        // A plain ConvCNP is not: its kernels are not symmetric.
        let plain = makeModel(.convCNPT)
        #expect(relativeDifference(outputs(plain, b), outputs(plain, b.transformed(by: .pointReflection(dimension: 1)))) > Self.brokenTol)
    }

    @Test(arguments: ModelKind.allCases)
    func predictionsDoNotDependOnContextOrder(_ kind: ModelKind) {
        let model = makeModel(kind)
        let b = randomBatch(seed: 16)
        let perm = [3, 0, 6, 1, 5, 2, 4]
        #expect(relativeDifference(outputs(model, b), outputs(model, b.permutingContext(perm))) < Self.exactTol)
    }

    @Test func dropoutSwitchDrawsOncePerTaskWithoutRescaling() {
        var rng = RandomGenerator(seed: 17)
        guard case .perTask(let keep) = FixedInputSwitch.dropout(tasks: 10_000, p: 0.3, using: &rng) else {
            Issue.record("expected a per-task mask"); return
        }
        let dropped = keep.filter { !$0 }.count
        #expect(abs(dropped - 3000) < 200)
        // A kept task gets exactly the fixed inputs of `.on` (no 1/(1 − p) factor); a dropped one those of `.off`.
        let model = makeModel(.convCNPTApprox)
        let b = randomBatch(tasks: 2, seed: 18)
        let mixed = model.predict(Tape(recording: false), xc: b.xc, yc: b.yc, xt: b.xt, fixedInputs: .perTask(keep: [true, false])).mean.scalars
        let on = model.predict(Tape(recording: false), xc: b.xc, yc: b.yc, xt: b.xt, fixedInputs: .on).mean.scalars
        let off = model.predict(Tape(recording: false), xc: b.xc, yc: b.yc, xt: b.xt, fixedInputs: .off).mean.scalars
        let nt = b.targetCount
        #expect(Array(mixed[0..<nt]) == Array(on[0..<nt]) && Array(mixed[nt...]) == Array(off[nt...]))
    }

    @Test func fixedInputsAreZeroOnAndOutsideTheBoundary() {
        var rng = RandomGenerator(seed: 19)
        let store = ParameterStore()
        let fi = FixedInputs(store.root, config: .init(count: 4, hiddenWidth: 8, domain: DomainBox(lower: [-7], upper: [7]), dropoutProbability: 0.5),
                             inputDimension: 1, outputChannels: 4, rng: &rng)
        let x = Tensor(shape: [1, 5, 1], scalars: [-7, 7, 7.5, -20, 3])
        let t = fi(Tape(recording: false), positions: x, switch: .on).scalars
        #expect(t[0..<16].allSatisfy { $0 == 0 })
        #expect(t[16..<20].contains { $0 != 0 })
    }
}

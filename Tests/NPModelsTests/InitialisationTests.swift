import Foundation
import NPAutodiff
import NPModels
import NPNN
import NPTensor
import NPTestSupport
import Testing

/// `InitialisationScheme.calibrated`: every model starts as the predictor N(0, softplus(0)) whatever its parts, the
/// SetConv decoder passes a constant through, and the relaxed U-Net's activations stay within 2× of the plain
/// U-Net's with the same weights. The authors' Kaiming scheme fails the last two, so the tests can fail.
@Suite struct InitialisationTests {
    static let box = DomainBox(lower: [-2, -2], upper: [2, 2])
    /// The environmental quick sizes: U-Net C 16, 3 poolings, kernel 5; 4 grid points per unit.
    static let sizes: GridCNNPreset = {
        var s = GridCNNPreset.quick
        s.unet = .init(channels: 16, levels: 3, kernel: 5)
        s.pointsPerUnit = 4
        return s
    }()
    /// Station-like tasks: 20–150 context points and 100 targets in a 3.4 × 3.4 region.
    static let batch = randomBatch(tasks: 4, dimension: 2, range: -1.7...1.7, contextCounts: [20, 60, 100, 150],
                                   targetCounts: [100, 100, 100, 100], seed: 7)

    static func spec(_ kind: ModelKind, _ scheme: InitialisationScheme) -> ModelSpec {
        kind.modelClass == "PT-TNP"
            ? .attention(kind, sizes: ModelPreset.ci.tnp, inputDimension: 2, domain: box, initialisation: scheme)
            : .grid2D(kind, sizes: sizes, lattice: nil, domain: box, initialisation: scheme)
    }

    /// −log N(y; 0, σ²) averaged over the batch's targets, with σ² = softplus(0) = log 2.
    static func zeroPredictorLoss(_ b: TaskBatch) -> Double {
        let v = Foundation.log(2.0) + Double(GaussianHead.defaultFloor)
        let y = b.yt.scalars.map(Double.init)
        return y.reduce(0) { $0 + 0.5 * Foundation.log(2 * Double.pi * v) + $1 * $1 / (2 * v) } / Double(y.count)
    }

    @Test(arguments: [ModelKind.convCNPT, .convCNPTApprox, .relaxedConvCNP, .equivCNPE, .equivCNPEApprox, .ptTNP, .ptTNPT, .ptTNPTApprox])
    func calibratedModelsStartAtTheZeroPredictor(kind: ModelKind) {
        let expected = Self.zeroPredictorLoss(Self.batch)
        for seed in UInt64(0)..<3 {
            var rng = RandomGenerator(seed: seed)
            let model = Self.spec(kind, .calibrated).build(rng: &rng)
            let loss = Double(model.loss(Tape(), Self.batch, fixedInputs: .on).scalars[0])
            #expect(abs(loss - expected) < 1e-4, "\(kind.displayName) seed \(seed): \(loss) vs \(expected)")
        }
    }

    /// A constant grid function decodes to itself at interior targets (the kernels' mass is divided out); the
    /// authors' 1 / ppu² scaling multiplies it by (2π)ℓ₀², from 0.16 to 16 over the five kernels.
    @Test func normalisedSetConvDecoderPassesAConstantThrough() {
        let ppu: [Float] = [4, 4]
        let grid = Grid(pointsPerUnit: ppu, start: [-32, -32], step: [1, 1], shape: [65, 65])   // −8 … 8
        let positions = grid.positions(tasks: 1)
        let z = Tensor(repeating: 2, shape: [1, grid.count, 1])
        let xt = Tensor(shape: [1, 2, 2], scalars: [0.1, -0.3, 0.6, 0.2])
        for normalised in [true, false] {
            let decoder = SetConvDecoder(ParameterStore().root, kernels: 5, pointsPerUnit: ppu, normalised: normalised)
            let out = decoder(Tape(), Tape().constant(z), positions: positions, xt: xt).scalars
            let worst = out.map { abs($0 / 2 - 1) }.max()!
            if normalised { #expect(worst < 5e-3, "\(out)") } else { #expect(worst > 1, "\(out)") }
        }
    }

    /// The relaxed U-Net against the same U-Net without its relaxations (t ≡ 0): with (1 + t/3) the activations
    /// stay within 2× of the plain network's; with (1 + t) they compound over the seven convolutions.
    @Test func relaxedUNetStaysNearThePlainOne() {
        var ratios: [InitialisationScheme: Double] = [:]
        for scheme in InitialisationScheme.allCases {
            var worst = 0.0
            for seed in UInt64(0)..<3 {
                var rng = RandomGenerator(seed: seed)
                let model = Self.spec(.relaxedConvCNP, scheme).build(rng: &rng) as! ConvCNP
                let unet = model.backbone as! UNet
                let context = ContextSet(x: Self.batch.xc, y: Self.batch.yc, mask: Self.batch.contextMask)
                let grid = model.encoder.grid(context: context, targets: Self.batch.xt, multipleOf: unet.gridMultiple)
                let tape = Tape()
                let z = model.encoder(tape, context, grid: grid, positions: grid.positions(tasks: 4))
                func rms(_ v: Variable) -> Double { (v.scalars.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(v.scalars.count)).squareRoot() }
                let relaxed = rms(unet(tape, z, grid: grid, switch: .on)), plain = rms(unet.withoutRelaxation()(tape, z, grid: grid, switch: .on))
                worst = max(worst, relaxed / plain)
            }
            ratios[scheme] = worst
        }
        #expect(ratios[.calibrated]! < 2, "calibrated: \(ratios)")
        #expect(ratios[.kaiming]! > 2, "kaiming: \(ratios)")
    }

    /// The group CNN's output against its input: initialised by the effective fan-in its scale stays within a factor
    /// 5 of the input's; by the equivalent convolution's fan-out it shrinks to 1/200.
    @Test func calibratedGroupCNNKeepsTheScale() {
        var ratios: [InitialisationScheme: Double] = [:]
        for scheme in InitialisationScheme.allCases {
            var rng = RandomGenerator(seed: 3)
            let model = Self.spec(.equivCNPE, scheme).build(rng: &rng) as! ConvCNP
            let context = ContextSet(x: Self.batch.xc, y: Self.batch.yc, mask: Self.batch.contextMask)
            let grid = model.encoder.grid(context: context, targets: Self.batch.xt, multipleOf: model.backbone.gridMultiple)
            let tape = Tape()
            let z = model.encoder(tape, context, grid: grid, positions: grid.positions(tasks: 4))
            func rms(_ v: Variable) -> Double { (v.scalars.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(v.scalars.count)).squareRoot() }
            ratios[scheme] = rms(model.backbone(tape, z, grid: grid, switch: .on)) / rms(z)
        }
        #expect(ratios[.calibrated]! > 0.2 && ratios[.calibrated]! < 4, "\(ratios)")   // 0.27: the encoder output has a large mean
        #expect(ratios[.kaiming]! < 0.1, "\(ratios)")
    }
}

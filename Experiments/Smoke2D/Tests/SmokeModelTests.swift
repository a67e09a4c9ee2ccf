import Foundation
import NPAutodiff
import NPModels
import NPTensor
import Testing
@testable import Smoke2D

/// The smoke experiment's models as the experiment builds them (ci sizes), on tasks cut from states: exactly
/// translation equivariant with the fixed inputs zeroed, measurably not with them on, and σ at least the floor.
struct SmokeModelTests {
    let experiment = SmokeExperiment(scale: .ci, resultsRoot: URL(fileURLWithPath: "/nonexistent"), outputRoot: URL(fileURLWithPath: "/nonexistent"),
                                     dataDirectory: URL(fileURLWithPath: "/nonexistent"))

    /// A batch of 2 tasks and the same tasks moved by (3, −2) pixels (on the frame's lattice).
    func tasks() -> (TaskBatch, TaskBatch) {
        let sampler = PatchTaskSampler(states: codedStates(count: 2), targetLimit: 40)
        var rng = RandomGenerator(seed: 11)
        var patches = sampler.patches(count: 2, contextCount: 30, using: &rng)
        for i in patches.indices { patches[i].row = 40 + 7 * i; patches[i].column = 50 }
        let batch = sampler.batch(patches)
        let ppu = sampler.lattice.pointsPerUnit
        return (batch, batch.shifted(by: [3 / ppu[0], -2 / ppu[1]]))
    }

    func maxDifference(_ kind: ModelKind, _ sw: FixedInputSwitch) -> (Float, Prediction) {
        var rng = RandomGenerator(seed: 5)
        // The experiment builds its models calibrated, whose head starts at zero: every freshly built model predicts
        // N(0, softplus(0)) everywhere and is trivially equivariant. The same networks with a Kaiming head show
        // what the architecture does.
        var spec = experiment.modelSpec(kind)
        #expect(spec.initialisation == .calibrated)
        spec.initialisation = .kaiming
        let model = spec.build(rng: &rng)
        let (a, b) = tasks()
        let pa = model.predict(Tape(recording: false), a, fixedInputs: sw), pb = model.predict(Tape(recording: false), b, fixedInputs: sw)
        return (zip(pa.mean.scalars, pb.mean.scalars).map { abs($0 - $1) }.max()!, pa)
    }

    @Test func approximatelyEquivariantModelsAreEquivariantOnlyWithoutFixedInputs() {
        for kind in [ModelKind.ptTNPTApprox, .convCNPTApprox, .equivCNPEApprox] {
            let (off, _) = maxDifference(kind, .off), (on, _) = maxDifference(kind, .on)
            #expect(off < 1e-4, "\(kind.displayName), fixed inputs zeroed: a pixel shift must not change the prediction")
            #expect(on > 1e-3, "\(kind.displayName), fixed inputs on: absolute position must matter")
        }
        let (plain, _) = maxDifference(.ptTNP, .on)
        #expect(plain > 1e-3, "the plain PT-TNP is not translation equivariant")
        for kind in [ModelKind.ptTNPT, .convCNPT, .equivCNPE] {
            #expect(maxDifference(kind, .on).0 < 1e-4, "\(kind.displayName) is translation equivariant")
        }
    }

    @Test func everyModelUsesTheSmokeScaleFloorAndStandardDeviationHead() {
        for kind in SmokeExperiment.models {
            let spec = experiment.modelSpec(kind)
            #expect(spec.head.floor == SmokeExperiment.scaleFloor)
            #expect(spec.head.parameterisation == .standardDeviationSoftplus)
            let (_, p) = maxDifference(kind, .on)
            #expect(p.standardDeviation.min()! >= SmokeExperiment.scaleFloor, Comment(rawValue: kind.displayName))
        }
    }

    @Test func theTranslationEquivariantPseudoTokenModelsTrainWithBatchesOfEight() {
        #expect(SmokeScale.quick.schedule(for: .ptTNPT).batchSize == 8)
        #expect(SmokeScale.quick.schedule(for: .ptTNPTApprox).batchSize == 8)
        #expect(SmokeScale.quick.schedule(for: .ptTNP).batchSize == 16)
        #expect(SmokeScale.paper.schedule(for: .convCNPT).steps == 500_000)
    }
}

/// The experiment makes Table 1's smoke column and Figures 5 and 6, each target once, and one run per model and seed.
struct SmokeRegistryTests {
    @Test func outputsAreThePapersSmokeItems() throws {
        let e = SmokeExperiment(scale: .ci, resultsRoot: URL(fileURLWithPath: "/nonexistent"), outputRoot: URL(fileURLWithPath: "/nonexistent"),
                                dataDirectory: URL(fileURLWithPath: "/nonexistent"))
        let targets = e.outputs.map(\.target)
        #expect(Set(targets).count == targets.count)
        #expect(Set(["table1", "figure5", "figure6", "claims"]).isSubset(of: Set(targets)))
        #expect(!e.centralClaims.isEmpty && Set(e.centralClaims).isSubset(of: Set(SmokeExperiment.claims.map(\.id))), "the README's central claims are claims")
        #expect(e.modelRuns().map(\.model.kind) == SmokeExperiment.models)
        let extra = SmokeScale.ci.replicatedKinds.count * (SmokeScale.ci.seedReplicates - 1)
        #expect(e.allRuns().count == 8 + extra)
        #expect(try Set(e.allRuns().map { try e.store.key($0) }).count == 8 + extra, "a distinct cache key per run")
        #expect(Set(e.allRuns().dropFirst(8).map(\.seed)) == Set((1..<SmokeScale.ci.seedReplicates).map(UInt64.init)))
    }
}

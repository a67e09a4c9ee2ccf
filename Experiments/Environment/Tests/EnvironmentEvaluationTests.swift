@testable import Environment
import ExperimentKit
import Foundation
import NPModels
import NPNN
import NPReport
import NPTensor
import NPTestSupport
import NPTraining
import StationData
import Testing

/// The out-of-distribution evaluation forces the fixed inputs to zero; the pipeline on synthetic data; the
/// output registry.
@Suite struct EnvironmentEvaluationTests {
    /// A PT-TNP (T̃) whose box contains every station, so that its fixed inputs are active on the plains and
    /// only the evaluation's switch can zero them.
    static func modelActiveEverywhere(dimension: Int = 2) -> NeuralProcess {
        let spec = ModelSpec.attention(.ptTNPTApprox, sizes: ModelPreset.ci.tnp, inputDimension: dimension,
                                       domain: DomainBox(lower: [-100, -100], upper: [100, 100]))
        var rng = RandomGenerator(seed: 9)
        return spec.build(rng: &rng)
    }

    @Test func theOODSwitchIsOff() {
        #expect(EnvironmentEvaluation.fixedInputSwitch(for: .oodTest) == .off)
        #expect(EnvironmentEvaluation.fixedInputSwitch(for: .idTest) == .on)
    }

    /// Fails if the OOD evaluation used the fixed inputs: its per-task log-likelihoods must equal those with the
    /// fixed inputs zeroed and differ from those with them on.
    @Test func oodLogLikelihoodsHaveTheFixedInputsZeroed() throws {
        let d = EnvironmentData(data: try SyntheticColorado.data())
        let set = StationTestSet(d.tasks(.oodTest, dimension: 2), splits: 2, seed: 4, stream: 5)
        let model = Self.modelActiveEverywhere()
        let ood = EnvironmentEvaluation.perTask(model, set, split: .oodTest)
        let off = Evaluation.perTaskLogLikelihood(model, set.batches, .off), on = Evaluation.perTaskLogLikelihood(model, set.batches, .on)
        #expect(ood == off)
        #expect(zip(ood, on).map { abs($0 - $1) }.max()! > 1e-3)
        // In distribution the fixed inputs stay on.
        #expect(EnvironmentEvaluation.perTask(model, set, split: .idTest) == on)
    }

    /// The whole path on synthetic data: a short training run of the PT-TNP (T̃), its cached metrics (OOD with
    /// the fixed inputs zeroed, the equivariant component, Δequiv), the paired and clustered differences.
    @Test func metricsOfATrainedRunOnSyntheticData() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("env-test-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let d = EnvironmentData(data: try SyntheticColorado.data())
        let e = EnvironmentExperiment(scale: .ci, resultsRoot: root, outputRoot: root, data: d)
        e.quiet = true
        let config = try e.runConfig(.ptTNPTApprox)
        let m = try e.metrics(config)
        let ood = try e.testSet(.oodTest, dimension: 2), id = try e.testSet(.idTest, dimension: 2)
        #expect(m.perTask.inDistribution.count == id.taskCount && m.perTask.outOfDistribution.count == ood.taskCount)
        let model = try e.trainedModel(config)
        // The finished run's checkpoint holds the parameters and the log but no optimiser state.
        let checkpoint = try SafeTensors.decode(try Data(contentsOf: e.store.runDirectory(try e.key(config)).appendingPathComponent("checkpoint.safetensors")))
        #expect(!checkpoint.tensors.keys.contains { $0.hasPrefix("adamw.") } && checkpoint.metadata["adamw.step"] == nil)
        #expect(checkpoint.metadata["log"] != nil && checkpoint.tensors.count == model.parameters.named.count)
        #expect(m.perTask.outOfDistribution == Evaluation.perTaskLogLikelihood(model, ood.batches, .off))
        #expect(m.perTask.inDistributionEquivariantComponent == Evaluation.perTaskLogLikelihood(model, id.batches, .off))
        #expect(m.perTask.inDistribution == Evaluation.perTaskLogLikelihood(model, id.batches, .on))
        #expect(m.deviation != nil && m.inDistribution.mean.isFinite)
        // Cached: the second call reads the file.
        #expect(try e.metrics(config).perTask.inDistribution == m.perTask.inDistribution)
        let own = try e.comparisons().first { $0.id == "own-pt-tnp-t-approx-2d" }!
        let diff = try #require(try e.difference(own))
        #expect(abs(diff.plain.mean - (m.inDistribution.mean - m.inDistributionEquivariantComponent!.mean)) < 1e-9)
        #expect(diff.clusters == Set(id.clusters).count && diff.clustered.standardError >= 0)
    }

    /// The GP baseline interpolates its context when the noise is small and its fit never lowers the marginal
    /// likelihood of the starting values.
    @Test func gpBaselineFitsAndInterpolates() throws {
        let d = EnvironmentData(data: try SyntheticColorado.data())
        let train = Array(d.tasks(.train, dimension: 2).prefix(12))
        let gp = StationGP.fit(train, dimension: 2)
        let start = StationGP(groups: [[0, 1]], lengthscales: [0.5], offsetVariance: 1, noiseRatio: 0.1, signalVariance: 1, fitLogLikelihood: 0)
        #expect(gp.fitLogLikelihood >= start.profiledLogLikelihood(train).value)
        var sharp = gp
        sharp.noiseRatio = 1e-6
        let a = d.tasks(.idTest, dimension: 2)[3]
        let task = StationTaskSampling.singleTask(a, context: Array(0..<5), target: Array(5..<a.count))
        let onContext = sharp.predict(SingleTask(xc: task.xc, yc: task.yc, xt: task.xc, yt: task.yc))
        for (m, y) in zip(onContext.mean, task.yc.scalars) { #expect(abs(m - Double(y)) < 1e-3) }
        #expect(gp.averageLogLikelihood(task).isFinite && gp.averageLogLikelihood(task, onContext: true).isFinite)
        #expect(gp.signalVariance > 0 && gp.lengthscales.allSatisfy { $0 > 0 })
    }

    /// The experiment makes Tables 2, 6–9 and Figure 2, each target once; other experiments' targets are usage errors.
    @Test func outputsAreThePapersEnvironmentalItems() throws {
        let e = EnvironmentExperiment(scale: .ci, resultsRoot: URL(fileURLWithPath: "/nonexistent"), outputRoot: URL(fileURLWithPath: "/nonexistent"))
        let targets = e.outputs.map(\.target)
        #expect(Set(targets).count == targets.count)
        #expect(Set(["table2", "table6", "table7", "table8", "table9", "figure2", "claims"]).isSubset(of: Set(targets)))
        #expect(!e.centralClaims.isEmpty && Set(e.centralClaims).isSubset(of: Set(EnvironmentExperiment.claims.map(\.claim.id))), "the README's central claims are claims")
        #expect(throws: ExperimentError.self) { try e.build("table1") }
    }

    /// A missing data set gives a message naming the command that fixes it.
    @Test func missingDataNamesTheSetUpScript() {
        let e = EnvironmentExperiment(scale: .ci, resultsRoot: URL(fileURLWithPath: "/nonexistent"), outputRoot: URL(fileURLWithPath: "/nonexistent"),
                                      dataDirectory: URL(fileURLWithPath: "/nonexistent/stations"))
        do { _ = try e.data(); Issue.record("loading from a missing directory succeeded") } catch {
            #expect("\(error)".contains("setup-station-data.sh"))
        }
    }
}

/// The environmental diagnostics at ci scale on the synthetic data: one finite row per model at initialisation, and
/// the evaluation-time σ floor at 0 reproducing a trained run's cached scores.
@Suite struct EnvironmentDiagnosticsTests {
    @Test func initialisationTableHasOneFiniteRowPerModel() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("env-diag-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let e = EnvironmentExperiment(scale: .ci, resultsRoot: root, outputRoot: root, data: EnvironmentData(data: try SyntheticColorado.data()))
        e.quiet = true
        let probes = try e.initialisationDiagnostic()
        // Each model as trained (calibrated) and with the Kaiming initialisation beside it.
        #expect(probes.count == 2 * (EnvironmentExperiment.models2D.count + EnvironmentExperiment.models4D.count))
        // As trained, every model starts within a nat of the trivial predictor (the zero head's N(0, softplus(0))).
        #expect(probes.filter { !$0.key.contains("[kaiming]") }.values.joined().allSatisfy { abs($0.loss - $0.trivialLoss) < 1 })
        #expect(probes.values.allSatisfy { $0.count == EnvironmentExperiment.initialisationSeeds.count })
        #expect(probes.values.joined().allSatisfy { $0.loss.isFinite && $0.trivialLoss.isFinite && $0.gradientNorm.isFinite })
        let table = try readJSON(ResultsTable.self, from: e.tablesDirectory.appendingPathComponent("diagnostics-init-environment.json"))
        #expect(table.groups.flatMap(\.rows).count == probes.count)
    }

    @Test func aFloorOfZeroReproducesTheCachedScores() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("env-floor-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let e = EnvironmentExperiment(scale: .ci, resultsRoot: root, outputRoot: root, data: EnvironmentData(data: try SyntheticColorado.data()))
        e.quiet = true
        let config = try e.runConfig(.convCNPTApprox)
        let m = try e.metrics(config)
        let s = try e.flooredScores(config)
        #expect(s.id.count == EnvironmentExperiment.evaluationFloors.count && s.id[0].count == m.perTask.inDistribution.count)
        #expect(zip(s.id[0], m.perTask.inDistribution).allSatisfy { abs($0 - $1) < 1e-4 })
        #expect(zip(s.ood[0], m.perTask.outOfDistribution).allSatisfy { abs($0 - $1) < 1e-4 })
    }
}

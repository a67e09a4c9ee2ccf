import ExperimentKit
import Foundation
import Gibbs1D
import NPData
import NPModels
import NPNN
import NPTensor
import NPTestSupport
import NPTraining
import Testing

/// The experiment-generic plumbing: cache keys with model code versions, the output registry, provenance.
@Suite struct ExperimentPlumbingTests {
    struct VersionedRun: RunConfiguration {
        var label = "convcnp-t"
        var model = ModelSpec.gibbs1D(.convCNPT, preset: .ci)
        var schedule = TrainingSchedule(steps: 10, checkpointEvery: 5, validateEvery: 5)
        var seed: UInt64 = 0
        var codeVersion = 1
    }

    @Test func modelCodeVersionOneKeepsTheKeyAndABumpChangesIt() throws {
        let store = RunStore(root: URL(fileURLWithPath: "/nonexistent"), experiment: "x", scale: "ci")
        var run = VersionedRun()
        let v1 = try store.key(run)
        // Version 1 is the hash of the configuration alone (the keys of runs made before versioning existed).
        let plain = try canonicalJSON(run)
        #expect(v1.hasPrefix("convcnp-t-") && v1.count == "convcnp-t-".count + 12)
        run.codeVersion = 2
        let v2 = try store.key(run)
        #expect(v2 != v1 && v2.hasPrefix("convcnp-t-"))
        run.codeVersion = 1
        #expect(try store.key(run) == v1 && (try canonicalJSON(run)) == plain)
    }

    /// The committed quick-scale runs keep their keys (these name the committed folders under
    /// results/gibbs1d/quick/runs; the retraining — kernel as released, per-task grids, warm-up + cosine,
    /// clipping by norm — gave them new ones), and the 2-D experiments' keys do not see the 1-D-only fields.
    @Test func committedQuickRunKeysAreUnchanged() throws {
        let e = Gibbs1DExperiment(scale: .quick, resultsRoot: URL(fileURLWithPath: "/nonexistent"), outputRoot: URL(fileURLWithPath: "/nonexistent"))
        #expect(try e.key(e.runConfig(.tnp)) == "tnp-445a1d67fc2b")
        #expect(try e.key(e.runConfig(.convCNPT)) == "convcnp-t-2aa7dfc5669c")
        #expect(try e.key(e.runConfig(.relaxedConvCNP)) == "relaxedconvcnp-t-approx-917e3c409e4f")
        #expect(try e.key(e.runConfig(.convCNPTApprox, fixedInputs: 4)) == "convcnp-t-approx-B4-957dc7569705")
        #expect(try e.key(e.runConfig(.equivCNPEApprox, seed: 2)) == "equivcnp-e-approx-B32-seed2-34f45a987450")
    }

    /// Every output the 1-D experiment lists is a row of scripts/paper-items.tsv for gibbs1d and vice versa, so
    /// `reproduce.sh --list` and the CLI agree.
    @Test func outputsMatchThePaperItemRegistry() throws {
        let registered = try registeredPaperItemTargets("gibbs1d")
        let e = Gibbs1DExperiment(scale: .ci, resultsRoot: URL(fileURLWithPath: "/nonexistent"), outputRoot: URL(fileURLWithPath: "/nonexistent"))
        #expect(Set(e.outputs.map(\.target)) == registered)
        #expect(throws: ExperimentError.self) { try e.build("table2") }
    }

    /// A store that drops the optimiser state keeps only the parameters (and the training log) in a finished run's
    /// checkpoint, which still loads; the default keeps the state.
    @Test func finishedRunsCanDropTheOptimiserState() throws {
        let sampler = GibbsGPSampler(.inDistribution(kernel: .paper))
        for keep in [true, false] {
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("drop-\(keep)-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: root) }
            let store = RunStore(root: root, experiment: "x", scale: "ci", keepsOptimiserStateWhenDone: keep)
            let run = VersionedRun()
            let trained = try store.trainedModel(run, progress: nil, validation: { [] }) { rng in sampler.sampleBatch(tasks: 4, using: &rng).batch }
            let url = store.runDirectory(try store.key(run)).appendingPathComponent("checkpoint.safetensors")
            let names = try SafeTensors.decode(try Data(contentsOf: url)).tensors.keys
            #expect(names.contains { $0.hasPrefix("adamw.") } == keep)
            #expect(!store.trainingLog(try store.key(run)).isEmpty, "the training log survives")
            let reloaded = try store.trainedModel(run, progress: nil, validation: { [] }) { _ in fatalError("a finished run is not retrained") }
            #expect(reloaded.parameters.snapshot() == trained.parameters.snapshot())
            // A run finished under a keeping store sheds the state when a dropping store first loads it.
            if keep {
                let dropping = RunStore(root: root, experiment: "x", scale: "ci", keepsOptimiserStateWhenDone: false)
                let again = try dropping.trainedModel(run, progress: nil, validation: { [] }) { _ in fatalError("a finished run is not retrained") }
                #expect(!(try SafeTensors.decode(try Data(contentsOf: url)).tensors.keys.contains { $0.hasPrefix("adamw.") }))
                #expect(again.parameters.snapshot() == trained.parameters.snapshot())
            }
        }
    }

    @Test func provenanceCarriesTheTypedConfiguration() throws {
        let p = try Provenance(output: "x.png", paperItem: "Figure 1", scale: "ci", seconds: 1, configuration: Gibbs1DScale.ci, runs: [], data: [])
        #expect(p.configuration["steps"] == .number(30))
        #expect(p.configuration["preset"]?["convCNP"]?["kernel"] == .number(5))
    }
}
/// Provenance's "dirty" flag is about code: rebuilt outputs, results and checkpoints of runs in training do not set it.
@Suite struct ProvenanceGitStateTests {
    @Test func onlyCodeChangesMakeTheTreeDirty() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("provenance-git-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("Sources"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("tables"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        func git(_ args: String...) throws {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"] + args
            p.currentDirectoryURL = dir
            p.standardOutput = FileHandle.nullDevice; p.standardError = FileHandle.nullDevice
            try p.run(); p.waitUntilExit()
            #expect(p.terminationStatus == 0)
        }
        try Data("a".utf8).write(to: dir.appendingPathComponent("Sources/a.swift"))
        try Data("1".utf8).write(to: dir.appendingPathComponent("tables/t.md"))
        try git("init", "-q"); try git("add", "-A"); try git("commit", "-q", "-m", "x")
        #expect(Provenance.gitState(in: dir).dirty == false)
        try Data("2".utf8).write(to: dir.appendingPathComponent("tables/t.md"))   // a rebuilt output
        #expect(Provenance.gitState(in: dir).dirty == false)
        try Data("b".utf8).write(to: dir.appendingPathComponent("Sources/a.swift"))   // a code change
        #expect(Provenance.gitState(in: dir).dirty == true)
        #expect(Provenance.gitState(in: dir).commit.count == 40)
    }
}

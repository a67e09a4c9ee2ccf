import ExperimentKit
import Foundation
import Gibbs1D
import NPModels
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

    /// The committed quick-scale runs keep their keys: the 1-D configurations encode exactly as before the
    /// n-D fields existed (these keys name the committed folders under results/gibbs1d/quick/runs).
    @Test func committedQuickRunKeysAreUnchanged() throws {
        let e = Gibbs1DExperiment(scale: .quick, resultsRoot: URL(fileURLWithPath: "/nonexistent"), outputRoot: URL(fileURLWithPath: "/nonexistent"))
        #expect(try e.key(e.runConfig(.tnp)) == "tnp-bbf8df31c3a6")
        #expect(try e.key(e.runConfig(.convCNPT)) == "convcnp-t-ee330f2f322f")
        #expect(try e.key(e.runConfig(.relaxedConvCNP)) == "relaxedconvcnp-t-approx-735676ce6ea8")
        #expect(try e.key(e.runConfig(.convCNPTApprox, fixedInputs: 4)) == "convcnp-t-approx-B4-4db551a29a15")
    }

    /// Every output the 1-D experiment lists is a row of scripts/paper-items.tsv for gibbs1d and vice versa, so
    /// `reproduce.sh --list` and the CLI agree.
    @Test func outputsMatchThePaperItemRegistry() throws {
        let registered = try registeredPaperItemTargets("gibbs1d")
        let e = Gibbs1DExperiment(scale: .ci, resultsRoot: URL(fileURLWithPath: "/nonexistent"), outputRoot: URL(fileURLWithPath: "/nonexistent"))
        #expect(Set(e.outputs.map(\.target)) == registered)
        #expect(throws: ExperimentError.self) { try e.build("table2") }
    }

    @Test func provenanceCarriesTheTypedConfiguration() throws {
        let p = try Provenance(output: "x.png", paperItem: "Figure 1", scale: "ci", seconds: 1, configuration: Gibbs1DScale.ci, runs: [], data: [])
        #expect(p.configuration["steps"] == .number(30))
        #expect(p.configuration["preset"]?["convCNP"]?["kernel"] == .number(5))
    }
}

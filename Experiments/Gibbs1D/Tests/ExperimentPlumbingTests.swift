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

/// The 1-D experiment's plumbing: its committed run keys, its output registry, its provenance configuration.
/// (The experiment-generic `RunStore` and provenance tests are in ExperimentKitTests.)
@Suite struct ExperimentPlumbingTests {
    /// The committed quick-scale runs keep their keys (these name the committed folders under
    /// results/gibbs1d/quick/runs; the retraining — kernel as released, per-task grids, warm-up + cosine,
    /// clipping by norm — gave them new ones). They were trained under model-spec schema 1: the store finds them by
    /// their configuration, while a store without them gives the schema-2 keys.
    @Test func committedQuickRunKeysAreUnchanged() throws {
        let results = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("results")
        let e = Gibbs1DExperiment(scale: .quick, resultsRoot: results, outputRoot: URL(fileURLWithPath: "/nonexistent"))
        let empty = Gibbs1DExperiment(scale: .quick, resultsRoot: URL(fileURLWithPath: "/nonexistent"), outputRoot: URL(fileURLWithPath: "/nonexistent"))
        let committed: [(RunConfig, String)] = [
            (e.runConfig(.tnp), "tnp-445a1d67fc2b"), (e.runConfig(.convCNPT), "convcnp-t-2aa7dfc5669c"),
            (e.runConfig(.relaxedConvCNP), "relaxedconvcnp-t-approx-917e3c409e4f"),
            (e.runConfig(.convCNPTApprox, fixedInputs: 4), "convcnp-t-approx-B4-957dc7569705"),
            (e.runConfig(.equivCNPEApprox, seed: 2), "equivcnp-e-approx-B32-seed2-34f45a987450"),
        ]
        for (run, key) in committed {
            #expect(try e.key(run) == key)
            let current = try empty.key(run)
            #expect(current != key && current.hasPrefix(run.label + "-"), "a schema-2 key of its own: \(current)")
        }
    }

    /// The 1-D experiment makes Tables 1 (1-D columns), 3, 4, 5 and Figures 1, 3, 4, each target once; other
    /// experiments' targets are usage errors.
    @Test func outputsAreThePapersOneDItems() throws {
        let e = Gibbs1DExperiment(scale: .ci, resultsRoot: URL(fileURLWithPath: "/nonexistent"), outputRoot: URL(fileURLWithPath: "/nonexistent"))
        let targets = e.outputs.map(\.target)
        #expect(Set(targets).count == targets.count)
        #expect(Set(["table1", "table3", "table4", "table5", "figure1", "figure3", "figure4", "claims"]).isSubset(of: Set(targets)))
        #expect(throws: ExperimentError.self) { try e.build("table2") }
    }

    @Test func provenanceCarriesTheTypedConfiguration() throws {
        let p = try Provenance(output: "x.png", paperItem: "Figure 1", scale: "ci", seconds: 1, configuration: Gibbs1DScale.ci, runs: [], data: [])
        #expect(p.configuration["steps"] == .number(30))
        #expect(p.configuration["preset"]?["convCNP"]?["kernel"] == .number(5))
    }
}

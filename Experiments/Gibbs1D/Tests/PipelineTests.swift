import ExperimentKit
import Foundation
import Gibbs1D
import NPData
import NPModels
import Testing

/// The experiment pipeline end to end on a tiny scale: outputs appear with provenance, a second request
/// reuses the cache, and a changed configuration value changes only the keys that depend on it.
@Suite(.serialized) struct PipelineTests {
    static func tinyScale() -> Gibbs1DScale {
        var s = Gibbs1DScale.ci
        s.name = "unit-test"
        s.steps = 4; s.teSteps = 3
        s.checkpointEvery = 2; s.validateEvery = 2
        s.testTasks = 16; s.validationTasks = 16; s.groundTruthTasks = 40
        s.ablationCounts = [0, 1]
        return s
    }

    static func experiment(_ scale: Gibbs1DScale = tinyScale()) -> (Gibbs1DExperiment, URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aenp-pipeline-\(UUID().uuidString)")
        let e = Gibbs1DExperiment(scale: scale, resultsRoot: dir.appendingPathComponent("results"), outputRoot: dir.appendingPathComponent("out"))
        e.quiet = true
        return (e, dir)
    }

    @Test func figureAndTableAppearAndASecondRequestTrainsNothing() throws {
        let (e, dir) = Self.experiment()
        let png = try e.figure(.straddling)
        let tex = try e.table1()
        for url in [png, png.deletingPathExtension().appendingPathExtension("pdf"), tex] {
            #expect(FileManager.default.fileExists(atPath: url.path), "\(url.lastPathComponent)")
        }
        let prov = try JSONSerialization.jsonObject(with: Data(contentsOf: png.deletingPathExtension().appendingPathExtension("provenance.json"))) as! [String: Any]
        #expect(prov["scale"] as? String == "unit-test" && (prov["runs"] as? [Any])?.count == 8)
        #expect(try String(contentsOf: tex, encoding: .utf8).contains("at scale 'unit-test'"))

        // Second request: every checkpoint is left untouched.
        let checkpoints = try FileManager.default.subpathsOfDirectory(atPath: dir.path).filter { $0.hasSuffix("checkpoint.safetensors") }
        #expect(checkpoints.count == 12)   // the eight models and the second seed of the four replicated kinds (Table 1 averages seeds)
        func dates() throws -> [Date] {
            try checkpoints.map { try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent($0).path)[.modificationDate] as! Date }
        }
        let before = try dates()
        try e.figure(.straddling)
        #expect(try dates() == before)
    }

    /// The differences table trains only the Table 1 models: its B rows stay empty until Table 5's runs exist, so
    /// that a long scale's table can be built while the ablation is still training; once trained, they fill in.
    @Test func theDifferencesTableDoesNotTrainTheAblation() throws {
        let (e, _) = Self.experiment()
        let ablation = try e.key(e.ablationRun(.convCNPTApprox, 1))
        let md = try e.differencesTable().deletingPathExtension().appendingPathExtension("md")
        #expect(!e.store.isDone(ablation))
        func row(_ label: String) throws -> String {
            try String(contentsOf: md, encoding: .utf8).split(separator: "\n").first { $0.contains(label) }.map(String.init) ?? ""
        }
        #expect(try row("ConvCNP (T̃): B = 1 − B = 0").contains("–"))
        #expect(try !row("ConvCNP (T̃) − ConvCNP (T)").contains("| – | – | – |"))
        try e.table5()
        _ = try e.differencesTable()
        #expect(e.store.isDone(ablation))
        #expect(try !row("ConvCNP (T̃): B = 1 − B = 0").contains("| – | – | – |"))
    }

    @Test func aChangedValueChangesOnlyTheKeysThatDependOnIt() throws {
        let (a, _) = Self.experiment()
        var changed = Self.tinyScale()
        changed.teSteps = 5
        let (b, _) = Self.experiment(changed)
        for kind in ModelKind.allCases {
            let same = try a.key(a.runConfig(kind)) == b.key(b.runConfig(kind))
            #expect(same == !(kind == .tnpT || kind == .tnpTApprox), "\(kind.rawValue)")
        }
        // A different B is a different run; the default B and its explicit value are the same run.
        #expect(try a.key(a.runConfig(.convCNPTApprox, fixedInputs: 1)) != a.key(a.runConfig(.convCNPTApprox)))
        #expect(try a.key(a.runConfig(.convCNPTApprox, fixedInputs: 8)) == a.key(a.runConfig(.convCNPTApprox)))
    }

    @Test func groundTruthReportsBothKernels() throws {
        let (e, _) = Self.experiment()
        let gt = try e.groundTruth()
        #expect(Set(gt.contextSet.keys) == ["gibbs", "gibbs-as-released"])
        for v in gt.contextSet.values { #expect(v.count == 40 && v.mean.isFinite && v.mean > -1 && v.mean < 1) }
        #expect(gt.kernel == e.kernel && gt.testTasks == 16)
        // A cached file whose test scores belong to another kernel or test-set size gets them recomputed; its
        // context-set scores (which depend on neither) are kept.
        var stale = gt
        stale.kernel = .paper; stale.testTasks = 1_024; stale.inDistribution.mean = 99
        stale.contextSet["gibbs"]!.mean = 0.5
        try writeJSON(stale, to: e.groundTruthURL)
        let again = try e.groundTruth()
        #expect(again.inDistribution.mean == gt.inDistribution.mean && again.kernel == e.kernel && again.testTasks == 16)
        #expect(again.contextSet["gibbs"]!.mean == 0.5)
    }
}

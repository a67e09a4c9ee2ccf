import ExperimentKit
import Foundation
import NPModels
import NPReport
import NPTraining
import StationData

/// Diagnostics that explain the environmental verdicts (beyond the paper): the models at initialisation and how much
/// of each gap predictive overconfidence accounts for. Built from the committed checkpoints; nothing is trained.
extension EnvironmentExperiment {
    /// The models of the diagnostics: the 2-D groups, then the 4-D PT-TNPs.
    func diagnosticGroups() throws -> [(String, [(String, EnvironmentRunConfig)])] {
        try Self.groups2D.map { name, kinds in ("\(name) (2-D)", try kinds.map { ($0.displayName, try runConfig($0)) }) }
            + [("PT-TNP (4-D)", try Self.models4D.map { ("\($0.displayName), 4-D", try runConfig($0, dimension: 4)) })]
    }

    /// Every model at initialisation over `initialisationSeeds`, on the first training batch of each seed.
    @discardableResult
    public func initialisationDiagnostic() throws -> [String: [InitialisationProbe]] {
        try writeInitialisationTable(
            groups: try diagnosticGroups(), name: "diagnostics-init-environment",
            item: "Environmental: losses and gradients at initialisation (diagnostic)",
            captionPrefix: "The environmental experiment's models at initialisation (training months of the mountain stations, standardised temperatures; 2-D tasks (lon, lat), 4-D tasks (lon, lat, time, elevation)).",
            note: scaleNote, alternative: .kaiming)
    }

    /// The floors of the σ-floor diagnostic (0: the trained model's σ as it is), in standardised temperature units
    /// (0.25: about the spread of the station residuals, where a floor starts to bind for these models).
    public static let evaluationFloors: [Double] = [0, 0.01, 0.05, 0.1, 0.25]

    /// A run scored on the ID test (fixed inputs on) and the OOD test (fixed inputs zeroed) under each floor.
    public func flooredScores(_ run: EnvironmentRunConfig) throws -> (id: [[Double]], ood: [[Double]]) {
        let model = try trainedModel(run)
        let id = try testSet(.idTest, dimension: run.dimension), ood = try testSet(.oodTest, dimension: run.dimension)
        say("floors: scoring \(run.label) on \(id.taskCount) ID and \(ood.taskCount) OOD test tasks")
        return (FlooredEvaluation.perTaskLogLikelihood(model, id.batches, EnvironmentEvaluation.fixedInputSwitch(for: .idTest), floors: Self.evaluationFloors),
                FlooredEvaluation.perTaskLogLikelihood(model, ood.batches, EnvironmentEvaluation.fixedInputSwitch(for: .oodTest), floors: Self.evaluationFloors))
    }

    /// The trained models scored with σ' = max(σ, floor) at evaluation only, and AE − E under each floor (ID and OOD).
    @discardableResult
    public func floorDiagnostic() throws -> URL {
        let started = Date()
        let floors = Self.evaluationFloors
        var scores: [(run: EnvironmentRunConfig, id: [[Double]], ood: [[Double]])] = []
        var worstCached = 0.0
        func score(_ run: EnvironmentRunConfig) throws -> (id: [[Double]], ood: [[Double]]) {
            if let s = scores.first(where: { $0.run == run }) { return (s.id, s.ood) }
            let s = try flooredScores(run)
            let m = try metrics(run)
            worstCached = max(worstCached, zip(s.id[0], m.perTask.inDistribution).map { abs($0 - $1) }.max() ?? 0,
                              zip(s.ood[0], m.perTask.outOfDistribution).map { abs($0 - $1) }.max() ?? 0)
            scores.append((run, s.id, s.ood))
            return s
        }
        func cell(_ e: Estimate) -> TableCell { .estimate(mean: e.mean, standardError: e.standardError) }
        let modelGroups = try diagnosticGroups().map { name, runs in
            RowGroup(name, try runs.map { label, run in
                let s = try score(run)
                return TableRow(label, s.id.map { cell(Estimate($0)) } + s.ood.map { cell(Estimate($0)) })
            })
        }
        let pairs: [(ModelKind, ModelKind, Int)] = [(.ptTNPTApprox, .ptTNPT, 2), (.convCNPTApprox, .convCNPT, 2), (.relaxedConvCNP, .convCNPT, 2),
                                                    (.equivCNPEApprox, .equivCNPE, 2), (.ptTNPTApprox, .ptTNPT, 4)]
        let differenceRows = try pairs.map { a, b, d in
            let sa = try score(try runConfig(a, dimension: d)), sb = try score(try runConfig(b, dimension: d))
            let idClusters = try testSet(.idTest, dimension: d).clusters, oodClusters = try testSet(.oodTest, dimension: d).clusters
            return TableRow("\(a.displayName) − \(b.displayName), \(d)-D",
                            floors.indices.map { cell(Estimate(pairedDifference: sa.id[$0], minus: sb.id[$0], clusters: idClusters)) }
                            + floors.indices.map { cell(Estimate(pairedDifference: sa.ood[$0], minus: sb.ood[$0], clusters: oodClusters)) })
        }
        guard worstCached < 1e-3 else {
            throw ExperimentError.usage("the σ-floor diagnostic at floor 0 differs from the cached test scores by \(worstCached); the cached metrics are stale")
        }
        func title(_ f: Double) -> String { f == 0 ? "trained σ" : "σ ≥ \(f)" }
        let columns = floors.map { TableColumn(title($0), group: "ID", preference: .none) } + floors.map { TableColumn(title($0), group: "OOD", preference: .none) }
        let table = try ResultsTable(
            caption: "How much of the environmental gaps is overconfidence: test log-likelihood per target (standardised temperature; every ID and OOD test task) with the predictive standard deviation floored at evaluation only, σ' = max(σ, floor) in standardised units, for the trained models (top) and the paired differences approximately equivariant − equivariant (bottom; ± month-clustered standard error). ID with the fixed inputs on, OOD with them zeroed, as the experiment evaluates. The models were trained with a floor of 10⁻⁶ on σ² (or σ); where the columns agree, no target was predicted with a σ below that floor, so the gap is not overconfidence. The floor-0 columns reproduce the cached scores (largest per-task difference \(String(format: "%.1e", worstCached))).",
            label: "tab:diagnostics-floors-environment", columns: columns,
            groups: modelGroups + [RowGroup("Differences", differenceRows)], decimals: 3, note: scaleNote)
        return try write(table, name: "diagnostics-floors-environment", item: "Environmental: test log-likelihood under σ floors (diagnostic)",
                         runs: scores.map(\.run), started: started)
    }
}

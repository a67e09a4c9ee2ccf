import ExperimentKit
import Foundation
import NPModels
import NPReport
import NPTraining
import StationData

/// A paired comparison of two sets of per-task log-likelihoods on the same test tasks.
public struct EnvironmentComparison: Sendable {
    public enum Measure: Sendable { case target, equivariantComponent, context }
    public var id: String
    public var label: String
    public var split: StationSplit
    public var dimension: Int
    public var a: EnvironmentRunConfig
    public var aMeasure: Measure = .target
    public var b: EnvironmentRunConfig
    public var bMeasure: Measure = .target
}

/// A comparison's result: the paired difference with the plain paired standard error and with the
/// month-clustered one (tasks of the same month, or 4-D windows starting in the same year, share a cluster).
public struct EnvironmentDifference: Codable, Sendable {
    public var id: String
    public var label: String
    public var plain: Estimate
    public var clustered: Estimate
    public var clusters: Int
    public var meanA: Double
    public var meanB: Double
}

extension EnvironmentExperiment {
    /// Every AE − E difference (and the other comparisons the claims need).
    public func comparisons() throws -> [EnvironmentComparison] {
        var out: [EnvironmentComparison] = []
        let pairs2D: [(String, ModelKind, ModelKind)] = [
            ("pt", .ptTNPTApprox, .ptTNPT), ("conv", .convCNPTApprox, .convCNPT), ("relaxed", .relaxedConvCNP, .convCNPT),
            ("equiv", .equivCNPEApprox, .equivCNPE),
        ]
        for (split, tag) in [(StationSplit.idTest, "id"), (.oodTest, "ood")] {
            for (name, a, b) in pairs2D {
                out.append(EnvironmentComparison(id: "2d-\(tag)-\(name)", label: "\(a.displayName) − \(b.displayName), 2-D \(tag.uppercased())",
                                                 split: split, dimension: 2, a: try runConfig(a), b: try runConfig(b)))
            }
            for (name, b) in [("pt", ModelKind.ptTNPT), ("pt-plain", .ptTNP)] {
                out.append(EnvironmentComparison(id: "4d-\(tag)-\(name)", label: "PT-TNP (T\u{303}) − \(b.displayName), 4-D \(tag.uppercased())",
                                                 split: split, dimension: 4, a: try runConfig(.ptTNPTApprox, dimension: 4),
                                                 b: try runConfig(b, dimension: 4)))
            }
        }
        for (kind, dimension) in Self.approximate2D.map({ ($0, 2) }) + [(ModelKind.ptTNPTApprox, 4)] {
            let c = try runConfig(kind, dimension: dimension)
            out.append(EnvironmentComparison(id: "own-\(kind.rawValue)-\(dimension)d",
                                             label: "\(kind.displayName) − its E component, \(dimension)-D ID", split: .idTest,
                                             dimension: dimension, a: c, b: c, bMeasure: .equivariantComponent))
        }
        for (split, tag) in [(StationSplit.idTest, "id"), (.oodTest, "ood")] {
            out.append(EnvironmentComparison(id: "dropout-\(tag)", label: "ConvCNP (T\u{303}) p = 0.5 − p = 0.0, 2-D \(tag.uppercased())",
                                             split: split, dimension: 2, a: try runConfig(.convCNPTApprox), b: try noDropoutRun()))
        }
        if scale.ablationCounts.contains(1) {
            out.append(EnvironmentComparison(id: "b1-b0", label: "ConvCNP (T\u{303}) B = 1 − B = 0, 2-D ID", split: .idTest, dimension: 2,
                                             a: try ablationRun(1), b: try ablationRun(0)))
            if let top = scale.ablationCounts.max(), top > 1 {
                out.append(EnvironmentComparison(id: "bmax-b1", label: "ConvCNP (T\u{303}) B = \(top) − B = 1, 2-D ID", split: .idTest,
                                                 dimension: 2, a: try ablationRun(top), b: try ablationRun(1)))
            }
        }
        return out
    }

    func values(_ m: EnvironmentMetrics, _ measure: EnvironmentComparison.Measure, _ split: StationSplit) -> [Double]? {
        switch measure {
        case .target: return split == .oodTest ? m.perTask.outOfDistribution : m.perTask.inDistribution
        case .equivariantComponent: return m.perTask.inDistributionEquivariantComponent
        case .context: return m.perTask.contextSet
        }
    }

    /// The comparison on the cached metrics (nil when a run is missing); trains and evaluates nothing.
    public func difference(_ c: EnvironmentComparison) throws -> EnvironmentDifference? {
        guard let ma = existingMetrics(c.a), let mb = existingMetrics(c.b),
              let a = values(ma, c.aMeasure, c.split), let b = values(mb, c.bMeasure, c.split) else { return nil }
        let clusters = try testSet(c.split, dimension: c.dimension).clusters
        return EnvironmentDifference(id: c.id, label: c.label, plain: Estimate(pairedDifference: a, minus: b),
                                     clustered: Estimate(pairedDifference: a, minus: b, clusters: clusters),
                                     clusters: Set(clusters).count, meanA: Estimate(a).mean, meanB: Estimate(b).mean)
    }

    /// The differences table: every comparison with both standard errors and both z values.
    @discardableResult
    public func differencesTable() throws -> URL {
        let started = Date()
        let all = try comparisons()
        let diffs = try all.compactMap { try difference($0) }
        let rows = diffs.map { d in
            TableRow(d.label, [.estimate(mean: d.plain.mean, standardError: d.plain.standardError), .value(d.clustered.standardError),
                               .value(d.clustered.standardErrors)])
        }
        let table = try ResultsTable(
            caption: "Paired differences of average test log-likelihoods on the same test tasks (A − B), standardised units. Beside the paper-style paired standard error over tasks, a month-clustered standard error: the test sets cut several context sets from each month (2-D) or four-month window (4-D, clustered by the window's starting year, since windows overlap), so tasks of one cluster are correlated and the plain error is too small. A difference is taken as real when it is at least 3 clustered standard errors from zero. Clusters: 2-D, one per test month (204 at full scale); 4-D, one per starting year (17); the cluster counts are in the .differences.json file.",
            label: "tab:environment-differences", rowHeader: "Comparison (A − B)",
            columns: [TableColumn("diff. ± paired s.e.", preference: .none), TableColumn("clustered s.e.", preference: .none),
                      TableColumn("z (clustered)", preference: .none)],
            groups: [RowGroup(nil, rows)], decimals: 3, note: scaleNote)
        try writeJSON(diffs, to: tablesDirectory.appendingPathComponent("differences-environment.differences.json"))
        var runs: [EnvironmentRunConfig] = []
        for r in all.flatMap({ [$0.a, $0.b] }) where !runs.contains(r) { runs.append(r) }
        return try write(table, name: "differences-environment", item: "AE - E differences (ours)", runs: runs, started: started)
    }
}

import ExperimentKit
import Foundation
import NPModels
import NPReport
import NPTraining

extension EnvironmentExperiment {
    static let groups2D: [(String, [ModelKind])] = [
        ("PT-TNP", [.ptTNP, .ptTNPT, .ptTNPTApprox]),
        ("ConvCNP", [.convCNPT, .convCNPTApprox, .relaxedConvCNP]),
        ("EquivCNP", [.equivCNPE, .equivCNPEApprox]),
    ]
    static let gpLabel = "GP baseline (SE kernel)"

    var scaleNote: String {
        "Produced by this reproduction at scale '\(scale.name)' on Colorado station data (ERA5 substitute, Docs/station-data.md): \(scale.cnnSteps) training steps for the 2-D CNNs, \(scale.pseudoTokenSteps) for the 2-D PT-TNPs, \(scale.fourDSteps) for the 4-D PT-TNPs; \(seedNote) Not the paper's numbers."
    }

    /// Which runs have several training seeds, for captions.
    var seedNote: String {
        guard scale.seedReplicates > 1 else { return "One seed per model." }
        let kinds = scale.replicatedKinds.map(\.displayName).joined(separator: ", ")
        return "Tables and figures show seed \(scale.seed); \(kinds) were also trained with \(scale.seedReplicates - 1) more seeds, and the claims comparing them are judged across the \(scale.seedReplicates) seeds."
    }

    /// Table 2: ID and OOD log-likelihoods, 2-D (eight models) and 4-D (the PT-TNP family), and the GP baseline.
    @discardableResult
    public func table2() throws -> URL {
        let started = Date()
        var runs: [EnvironmentRunConfig] = []
        var groups: [RowGroup] = []
        for (name, kinds) in Self.groups2D {
            groups.append(RowGroup(name, try kinds.map { k in
                let c2 = try runConfig(k), m2 = try metrics(c2)
                runs.append(c2)
                var cells = [TableCell(m2.inDistribution), TableCell(m2.outOfDistribution)]
                if Self.models4D.contains(k) {
                    let c4 = try runConfig(k, dimension: 4), m4 = try metrics(c4)
                    runs.append(c4)
                    cells += [TableCell(m4.inDistribution), TableCell(m4.outOfDistribution)]
                } else {
                    cells += [.missing, .missing]
                }
                return TableRow(k.displayName, cells)
            }))
        }
        let g2 = try gpBaseline(dimension: 2), g4 = try gpBaseline(dimension: 4)
        groups.append(RowGroup("Baseline", [TableRow(Self.gpLabel, [TableCell(g2.inDistribution), TableCell(g2.outOfDistribution),
                                                                     TableCell(g4.inDistribution), TableCell(g4.outOfDistribution)])]))
        let table = try ResultsTable(
            caption: "Average test log-likelihoods (↑) for the 2-D and 4-D environmental regression experiment. Results are grouped together by model class. Best in-class result is bolded. Here ERA5 is replaced by Colorado station temperatures: ID = the training stations (mountains, west of −105.2°) in 1981–1997, OOD = the plains (east of −105.2°) in 1981–1997 with the fixed inputs zeroed; standardised units. Standard errors over test tasks (several context splits per month; month-clustered errors of the differences are in the differences table). GP baseline: no neural network; a stationary squared-exponential kernel with a constant offset and noise, fitted by maximum marginal likelihood on training months, conditioned on each task's context set.",
            label: "tab:environment-loglik",
            columns: [TableColumn("ID (west)", group: "2-D"), TableColumn("OOD (east)", group: "2-D"),
                      TableColumn("ID (west)", group: "4-D"), TableColumn("OOD (east)", group: "4-D")],
            groups: groups, decimals: 3, note: scaleNote)
        return try write(table, name: "table2-environment", item: "Table 2", runs: runs, started: started)
    }

    /// Table 6: ConvCNP (T̃) trained with fixed-input dropout p = 0 and p = 0.5.
    @discardableResult
    public func table6() throws -> URL {
        let started = Date()
        let runs = [try noDropoutRun(), try runConfig(.convCNPTApprox)]
        let rows = try zip(["p = 0.0", "p = 0.5"], runs).map { label, c -> TableRow in
            let m = try metrics(c)
            return TableRow("ConvCNP (T\u{303}), \(label)", [TableCell(m.inDistribution), TableCell(m.outOfDistribution)])
        }
        let table = try ResultsTable(
            caption: "Average test log-likelihoods (↑) for the 2-D environmental regression experiment. p denotes the probability of dropping out the fixed inputs during training. (Both runs with the same budget; ID = the training stations 1981–1997, OOD = plains 1981–1997 with the fixed inputs zeroed.)",
            label: "tab:environment-dropout", columns: [TableColumn("ID (west)"), TableColumn("OOD (east)")],
            groups: [RowGroup(nil, rows)], decimals: 3, note: scaleNote)
        return try write(table, name: "table6-environment-dropout", item: "Table 6", runs: runs, started: started)
    }

    /// Table 7: log-likelihoods on the context sets of the ID test tasks (2-D), with the GP baseline.
    @discardableResult
    public func table7() throws -> URL {
        let started = Date()
        var runs: [EnvironmentRunConfig] = []
        var groups = try Self.groups2D.map { name, kinds in
            RowGroup(name, try kinds.map { k -> TableRow in
                let c = try runConfig(k)
                runs.append(c)
                let m = try metrics(c)
                return TableRow(k.displayName, [TableCell(m.contextSet), TableCell(m.inDistribution)])
            })
        }
        let gp = try gpBaseline(dimension: 2)
        groups.append(RowGroup("Baseline", [TableRow(Self.gpLabel, [TableCell(gp.contextSet), TableCell(gp.inDistribution)])]))
        let table = try ResultsTable(
            caption: "Average test log-likelihoods (↑) for the 2-D environmental regression experiment when tested on context sets (ID test tasks, target set := context set); the target-set values of Table 2 beside them.",
            label: "tab:environment-context",
            columns: [TableColumn("Context log-lik."), TableColumn("Target log-lik. (Table 2)")],
            groups: groups, decimals: 3, note: scaleNote)
        return try write(table, name: "table7-environment-context", item: "Table 7", runs: runs, started: started)
    }

    /// The approximately equivariant 2-D models of Table 8 and the maps.
    static let approximate2D: [ModelKind] = [.ptTNPTApprox, .convCNPTApprox, .relaxedConvCNP, .equivCNPEApprox]

    /// Table 8: Δequiv (p = 2) on the ID test, in percent, with the norm ratio and the near-zero share.
    @discardableResult
    public func table8() throws -> URL {
        let started = Date()
        let runs = try Self.approximate2D.map { try runConfig($0) }
        let rows = try runs.map { c -> TableRow in
            let d = try metrics(c).deviation!
            return TableRow(c.model.kind.displayName, [
                .estimate(mean: 100 * d.elementwise.mean, standardError: 100 * d.elementwise.standardError),
                .estimate(mean: 100 * d.normRatio.mean, standardError: 100 * d.normRatio.standardError),
                .value(100 * Double(d.nearZeroTargets) / Double(max(d.targets, 1))),
            ])
        }
        let table = try ResultsTable(
            caption: "Equivariance deviation (Δequiv) of the approximately equivariant models in the 2-D environmental regression experiment, in %, on the ID test (the training stations, 1981–1997), standardised units. First column: the paper's elementwise form with p = 2, the root mean square over targets of (μ_equiv − μ)/μ_equiv; second: the ratio of norms ‖μ_equiv − μ‖₂/‖μ_equiv‖₂; third: the share of targets with |μ_equiv| < 0.001, where the elementwise ratio is unstable.",
            label: "tab:environment-deviation",
            columns: [TableColumn("Δequiv (%)", preference: .none), TableColumn("norm ratio (%)", preference: .none),
                      TableColumn("|μ_equiv| < 1e-3 (%)", preference: .none)],
            groups: [RowGroup(nil, rows)], decimals: 2, note: scaleNote)
        return try write(table, name: "table8-environment-deviation", item: "Table 8", runs: runs, started: started)
    }

    /// Table 9: ConvCNP (T̃) ID log-likelihood against the number of fixed inputs B.
    @discardableResult
    public func table9() throws -> URL {
        let started = Date()
        let runs = try scale.ablationCounts.map { try ablationRun($0) }
        let rows = try zip(scale.ablationCounts, runs).map { b, c in
            TableRow(b == 0 ? "B = 0 (ConvCNP (T))" : "B = \(b)", [TableCell(try metrics(c).inDistribution)])
        }
        let table = try ResultsTable(
            caption: "Average test log-likelihoods (↑) of the ConvCNP (T̃) with different number of additional fixed inputs for the 2-D environmental regression experiment. We show the results when the models are tested on the ID split (the training stations of the mountains, 1981–1997; the paper: Europe). The fixed inputs are linearly transformed to C = \(scale.gridCNN.unet.channels) channels and summed with the CNN's input.",
            label: "tab:environment-fixed-inputs", rowHeader: "Fixed inputs", columns: [TableColumn("ConvCNP (T\u{303}), ID")],
            groups: [RowGroup(nil, rows)], decimals: 3, note: scaleNote)
        return try write(table, name: "table9-environment-fixed-inputs", item: "Table 9", runs: runs, started: started)
    }
}

import ExperimentKit
import Foundation
import NPModels
import NPReport
import NPTraining
import SmokeSim

extension SmokeExperiment {
    /// The model classes of Table 1, in order.
    static let groups: [(String, [ModelKind])] = [
        ("PT-TNP", [.ptTNP, .ptTNPT, .ptTNPTApprox]),
        ("ConvCNP", [.convCNPT, .convCNPTApprox, .relaxedConvCNP]),
        ("EquivCNP", [.equivCNPE, .equivCNPEApprox]),
    ]
    static let approximatelyEquivariant: [ModelKind] = [.ptTNPTApprox, .convCNPTApprox, .relaxedConvCNP, .equivCNPEApprox]
    /// Each approximately equivariant model with the strictly equivariant model of its class.
    static let pairs: [(ModelKind, ModelKind)] = [(.ptTNPTApprox, .ptTNPT), (.convCNPTApprox, .convCNPT), (.relaxedConvCNP, .convCNPT), (.equivCNPEApprox, .equivCNPE)]

    func cell(_ e: Estimate) -> TableCell { TableCell(e) }

    var scaleNote: String {
        "Produced by this reproduction at scale '\(scale.name)' (\(plan.scale.train) training simulations; \(scale.cnnSteps) steps for the CNN models, \(scale.pseudoTokenSteps) for the PT-TNP, \(scale.translationEquivariantSteps) for the PT-TNP (T) and (T̃); seed 0\(scale.seedReplicates > 1 ? ", \(scale.replicatesEveryModel ? "every model" : "the ConvCNP and EquivCNP pairs") also with \(scale.seedReplicates - 1) more seeds for the claims" : ""); \(scale.testTasks) test tasks); not the paper's numbers."
    }

    /// Table 1, smoke column, and — when the 1-D experiment's columns exist in the same tables folder — the whole
    /// Table 1 joined from both (`tables/table1.*`).
    @discardableResult
    public func table1() throws -> URL {
        let started = Date()
        let groups = try Self.groups.map { name, kinds in
            RowGroup(name, try kinds.map { TableRow($0.displayName, [cell(try metrics(runConfig($0)).test)]) })
        }
        let smoke = try ResultsTable(
            caption: "Average test log-likelihoods (↑) for the 2-D smoke experiment (the paper's Table 1, smoke column). Results are grouped together by model class. Best in-class result is bolded.",
            label: "tab:smoke-loglik", columns: [TableColumn("2-D Smoke")], groups: groups, decimals: 3, note: scaleNote)
        let url = try write(smoke, name: "table1-smoke", item: "Table 1 (smoke column)", runs: modelRuns(), started: started)
        try joinedTable1(smoke: smoke, started: started)
        return url
    }

    /// Table 1 as the paper prints it: the 1-D columns (read from `table1-gibbs1d.json`) beside the smoke column.
    func joinedTable1(smoke: ResultsTable, started: Date) throws {
        let oneD = tablesDirectory.appendingPathComponent("table1-gibbs1d.json")
        guard let gibbs = try? readJSON(ResultsTable.self, from: oneD) else {
            say("no \(relativePath(oneD)) yet: build the 1-D experiment's table1 first to get the joined Table 1 (tables/table1.*)")
            return
        }
        let modelGroups = Array(gibbs.groups.prefix(Self.groups.count))
        guard modelGroups.count == smoke.groups.count, zip(modelGroups, smoke.groups).allSatisfy({ $0.rows.count == $1.rows.count }) else {
            throw ExperimentError.usage("\(relativePath(oneD)) does not have the 1-D experiment's three model groups; rebuild it")
        }
        let groups = zip(modelGroups, smoke.groups).map { g, s in
            RowGroup(g.name.map { "(PT-)\($0)" }.map { $0.replacingOccurrences(of: "(PT-)ConvCNP", with: "ConvCNP").replacingOccurrences(of: "(PT-)EquivCNP", with: "EquivCNP") },
                     zip(g.rows, s.rows).map { r1, r2 in
                         TableRow(r1.label.hasPrefix("TNP") ? "(PT-)" + r1.label : r1.label, r1.cells + r2.cells)
                     })
        }
        let joined = try ResultsTable(
            caption: "Average test log-likelihoods (↑) for the synthetic 1-D GP and 2-D smoke experiments. For the 1-D dataset we used the regular TNP, while for the 2-D experiment we used the PT-TNP. Results are grouped together by model class. Best in-class result is bolded. (This reproduction's numbers: the 1-D columns from the 1-D experiment, the smoke column from the smoke experiment, each at the scale its note gives.)",
            label: "tab:loglik", columns: gibbs.columns + smoke.columns, groups: groups, decimals: 3,
            note: [gibbs.note.map { "1-D columns: \($0)" }, smoke.note.map { "Smoke column: \($0)" }].compactMap { $0 }.joined(separator: " "))
        let url = try joined.write(to: tablesDirectory, name: "table1") { url in
            var record = try provenance(output: url, item: "Table 1", started: started, runs: modelRuns())
            record.data.append(Provenance.DataSource(name: "Table 1, 1-D columns", version: "tables/table1-gibbs1d.json", checksum: try sha256(of: oneD),
                                                     detail: "built by `gibbs1d build table1`; its runs are in tables/table1-gibbs1d.provenance.json"))
            return record
        }
        say("wrote \(relativePath(url)) (the 1-D columns joined with the smoke column)")
    }

    func sha256(of url: URL) throws -> String { "sha256 " + SHA256.hex(try Data(contentsOf: url)) }

    /// Context-set log-likelihoods (as the paper's Table 3 does for 1-D) and the equivariance deviation of the
    /// approximately equivariant models (as its Table 4), with each model's equivariant component.
    @discardableResult
    public func contextTable() throws -> URL {
        let started = Date()
        let groups = try Self.groups.map { name, kinds in
            RowGroup(name, try kinds.map { k in
                let m = try metrics(runConfig(k))
                return TableRow(k.displayName, [
                    cell(m.contextSet), cell(m.test), m.equivariantComponent.map(cell) ?? .missing,
                    m.deviation.map { .estimate(mean: 100 * $0.elementwise.mean, standardError: 100 * $0.elementwise.standardError) } ?? .missing,
                    m.deviation.map { .estimate(mean: 100 * $0.normRatio.mean, standardError: 100 * $0.normRatio.standardError) } ?? .missing,
                ])
            })
        }
        let table = try ResultsTable(
            caption: "The smoke experiment's models on their context sets and without their fixed inputs: context-set log-likelihood (targets = the context pixels), test log-likelihood, test log-likelihood of the equivariant component (fixed inputs zeroed; the RelaxedConvCNP's relaxed weights set to their equivariant part), and the equivariance deviation Δequiv in % — elementwise E|(μ_equiv − μ)/μ_equiv| (p = 1), unstable where the smoke is nearly zero, and the ratio of norms ‖μ_equiv − μ‖₁/‖μ_equiv‖₁.",
            label: "tab:smoke-context",
            columns: [TableColumn("Context log-lik."), TableColumn("Test log-lik."), TableColumn("Equivariant component"),
                      TableColumn("Δequiv (%)", preference: .none), TableColumn("norm ratio (%)", preference: .none)],
            groups: groups, decimals: 3, note: scaleNote)
        return try write(table, name: "table-smoke-context", item: "Smoke: context sets and Δequiv (as Tables 3 and 4)", runs: modelRuns(), started: started)
    }

    /// Test log-likelihood by region of the frame, and the paired differences that test where the fixed inputs help.
    @discardableResult
    public func regionTables() throws -> URL {
        let started = Date()
        let regions = try testRegions()
        let counts = PatchRegion.allCases.map { r in regions.filter { $0 == r }.count }
        func subset(_ values: [Double], _ r: PatchRegion?) -> [Double] { zip(values, regions).filter { r == nil || $0.1 == r }.map(\.0) }
        func columns(_ pref: Preference) -> [TableColumn] {
            PatchRegion.allCases.enumerated().map { TableColumn("\($1.title) (\(counts[$0]))", preference: pref) } + [TableColumn("all (\(regions.count))", preference: pref)]
        }
        let byRegion = try Self.groups.map { name, kinds in
            RowGroup(name, try kinds.map { k in
                let v = try metrics(runConfig(k)).perTask.test
                return TableRow(k.displayName, (PatchRegion.allCases.map(Optional.some) + [nil]).map { r in
                    let s = subset(v, r); return s.isEmpty ? .missing : cell(Estimate(s))
                })
            })
        }
        let regionsTable = try ResultsTable(
            caption: "Test log-likelihoods (↑) of the smoke experiment by where the patch lies (test tasks per region in brackets): within \(Int(PatchRegion.margin)) cells of the obstacle, else of its simulation's inflow disk, else of a wall, else elsewhere. These features break translation equivariance, so that is where fixed inputs can help.",
            label: "tab:smoke-regions", columns: columns(.higher), groups: byRegion, decimals: 3, note: scaleNote)
        try write(regionsTable, name: "table-smoke-regions", item: "Smoke: log-likelihood by region", runs: modelRuns(), started: started)

        var rows: [TableRow] = []
        for (a, b) in Self.pairs {
            let pa = try metrics(runConfig(a)).perTask, pb = try metrics(runConfig(b)).perTask
            rows.append(pairedRow("\(a.displayName) − \(b.displayName)", pa.test, pb.test, subset))
        }
        for k in Self.approximatelyEquivariant {
            let p = try metrics(runConfig(k)).perTask
            if let e = p.equivariantComponent { rows.append(pairedRow("\(k.displayName) − its equivariant component", p.test, e, subset)) }
        }
        let differences = try ResultsTable(
            caption: "Paired differences of test log-likelihood on the same smoke test tasks, by region (as in the region table), ± the paired standard error: each approximately equivariant model against the strictly equivariant model of its class, and against its own equivariant component (same weights, fixed inputs zeroed). A difference several standard errors above zero means the symmetry breaking helps there.",
            label: "tab:smoke-differences", rowHeader: "Difference", columns: columns(.none), groups: [RowGroup(nil, rows)], decimals: 3, note: scaleNote)
        return try write(differences, name: "table-smoke-differences", item: "Smoke: paired differences by region", runs: modelRuns(), started: started)
    }

    func pairedRow(_ label: String, _ a: [Double], _ b: [Double], _ subset: ([Double], PatchRegion?) -> [Double]) -> TableRow {
        TableRow(label, (PatchRegion.allCases.map(Optional.some) + [nil]).map { r in
            let (x, y) = (subset(a, r), subset(b, r))
            return x.isEmpty ? .missing : cell(Estimate(pairedDifference: x, minus: y))
        })
    }
}

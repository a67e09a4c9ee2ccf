import ExperimentKit
import Foundation
import NPModels
import NPReport
import NPTraining

extension Gibbs1DExperiment {
    /// For the seed-replicated kinds: each seed's task-averaged paired difference between run `a` and run `b` of that
    /// seed (the two numbers picked by `values`), summarised as mean ± standard error over seeds. nil unless at least
    /// two seeds have both runs. `metrics` fetches a run's metrics (cached only, or computing what is missing).
    func seedDifferences(_ a: ModelKind, _ b: ModelKind, metrics: (RunConfig) throws -> RunMetrics?,
                         _ values: (PerTaskLogLikelihoods, PerTaskLogLikelihoods) -> ([Double], [Double])?) rethrows -> Estimate? {
        var perSeed: [Double] = []
        for (ra, rb) in zip(seedRuns(a), seedRuns(b)) {
            guard let pa = try metrics(ra)?.perTask, let pb = try metrics(rb)?.perTask, let (x, y) = values(pa, pb) else { continue }
            perSeed.append(Estimate(pairedDifference: x, minus: y).mean)
        }
        return perSeed.count >= 2 ? Estimate(perSeed) : nil
    }

    /// A replicated kind's test log-likelihood as the mean over its training seeds ± the standard error over seeds
    /// (every seed is scored on the same test tasks, so the spread is training variability); other kinds: seed 0's
    /// estimate ± its standard error over test tasks.
    func seedAveraged(_ kind: ModelKind, _ pick: (RunMetrics) -> Estimate) throws -> Estimate {
        let runs = seedRuns(kind)
        if runs.count < 2 { return pick(try metrics(runs[0])) }
        return Estimate(try runs.map { pick(try metrics($0)).mean })
    }

    /// "(k seeds)" after a replicated kind's name in tables whose rows average over seeds.
    func seedLabel(_ kind: ModelKind) -> String {
        let k = seedRuns(kind).count
        return k > 1 ? "\(kind.displayName) (\(k) seeds)" : kind.displayName
    }

    /// Paired differences on the same test tasks, split by whether the change point is within reach of the targets
    /// (|c| < 3) or not, and for the seed-replicated pairs also over training seeds.
    @discardableResult
    public func differencesTable() throws -> URL {
        let started = Date()
        let centres = testTasks(.inDistribution).1.map(\.centre)
        let near = centres.map { abs($0) < 3 }
        func row(_ label: String, _ a: [Double]?, _ b: [Double]?, seeds: Estimate? = nil) -> TableRow {
            guard let a, let b else { return TableRow(label, [.missing, .missing, .missing, .missing]) }
            func part(_ keep: (Int) -> Bool) -> TableCell {
                let idx = a.indices.filter(keep)
                return cell(Estimate(pairedDifference: idx.map { a[$0] }, minus: idx.map { b[$0] }))
            }
            return TableRow(label, [part { near[$0] }, part { !near[$0] }, part { _ in true }, seeds.map(cell) ?? .missing])
        }
        func id(_ k: ModelKind) throws -> [Double]? { try metrics(runConfig(k)).perTask.inDistribution }
        func component(_ k: ModelKind) throws -> [Double]? { try metrics(runConfig(k)).perTask.inDistributionEquivariantComponent }
        let computed: (RunConfig) throws -> RunMetrics? = { try self.metrics($0) }
        let ceiling = try equivariantCeiling()
        var rows = [row("exact predictor − best equivariant predictor (the most fixed inputs can gain)", ceiling.exactInDistribution, ceiling.inDistribution)]
        for (a, b) in [(ModelKind.tnpTApprox, ModelKind.tnpT), (.convCNPTApprox, .convCNPT), (.relaxedConvCNP, .convCNPT), (.equivCNPEApprox, .equivCNPE)] {
            let seeds = try seedDifferences(a, b, metrics: computed) { ($0.inDistribution, $1.inDistribution) }
            rows.append(row("\(a.displayName) − \(b.displayName)", try id(a), try id(b), seeds: seeds))
        }
        for k in [ModelKind.tnpTApprox, .convCNPTApprox, .relaxedConvCNP, .equivCNPEApprox] {
            let seeds = try seedDifferences(k, k, metrics: computed) { p, _ in p.inDistributionEquivariantComponent.map { (p.inDistribution, $0) } }
            rows.append(row("\(k.displayName) − its equivariant component", try id(k), try component(k), seeds: seeds))
        }
        // The ablation rows read Table 5's runs when they exist (each run's metrics read once) and are left empty
        // otherwise, so that this table can be built while a long scale's ablation is still training (it trains only
        // the Table 1 models).
        let ablationKinds = [ModelKind.tnpTApprox, .convCNPTApprox]
        let trainedAblation: [(kind: ModelKind, b: Int, run: RunConfig, metrics: RunMetrics)] = ablationKinds.flatMap { k in
            scale.ablationCounts.compactMap { b in
                let c = ablationRun(k, b)
                return existingMetrics(c).map { (k, b, c, $0) }
            }
        }
        func cachedID(_ k: ModelKind, b: Int) -> [Double]? {
            trainedAblation.first { $0.kind == k && $0.b == b }?.metrics.perTask.inDistribution
        }
        for k in ablationKinds {
            for b in scale.ablationCounts where b > 0 {
                rows.append(row("\(k.displayName): B = \(b) − B = 0", cachedID(k, b: b), cachedID(k, b: 0)))
            }
        }
        let n = near.filter { $0 }.count
        let table = try ResultsTable(
            caption: "Paired differences of in-distribution test log-likelihood on the same \(centres.count) test tasks, ± the paired standard error, split by whether the change point is within reach of the task's targets (interval centre |c| < 3: \(n) tasks) or not (\(centres.count - n) tasks). The first row is the most an approximately equivariant model can gain over a perfectly trained equivariant one; the others compare our trained models (seed 0). Last column, for the ConvCNP (T)/(T̃) and EquivCNP (E)/(Ẽ) pairs trained with \(scale.seedReplicates) seeds: the mean over seeds of each seed's difference on all tasks ± the standard error over seeds, which includes training variability. The B = k rows use Table 5's runs and stay empty until they are trained.",
            label: "tab:gibbs1d-differences", rowHeader: "Difference",
            columns: [TableColumn("|c| < 3", preference: .none), TableColumn("|c| ≥ 3", preference: .none), TableColumn("all", preference: .none),
                      TableColumn("over seeds", preference: .none)],
            groups: [RowGroup(nil, rows)], decimals: 3, note: scaleNote)
        let used = (Self.models.flatMap { seedRuns($0) } + trainedAblation.map(\.run)).reduce(into: [RunConfig]()) { if !$0.contains($1) { $0.append($1) } }
        return try write(table, name: "table-gibbs1d-differences", item: "1-D: paired differences by region and over seeds", runs: used, started: started)
    }
}

import ExperimentKit
import Foundation
import NPModels
import NPReport
import NPTraining

/// Diagnostics that explain the smoke verdicts (beyond the paper): the models at initialisation, where on the test
/// tasks the approximately equivariant models lose to their equivariant counterparts, and how much of each gap
/// predictive overconfidence accounts for. Built from the committed checkpoints and metrics; nothing is trained.
extension SmokeExperiment {
    /// Every model at initialisation over `initialisationSeeds`, on the first training batch of each seed.
    @discardableResult
    public func initialisationDiagnostic() throws -> [String: [InitialisationProbe]] {
        try writeInitialisationTable(
            groups: Self.groups.map { name, kinds in (name, kinds.map { ($0.displayName, runConfig($0)) }) },
            name: "diagnostics-init-smoke2d", item: "Smoke: losses and gradients at initialisation (diagnostic)",
            captionPrefix: "The smoke experiment's models at initialisation (training patches: \(scale.trainingTargets.map { "\($0) targets per task" } ?? "every target"), N_c ~ U{10, 250} per batch, σ = softplus + 0.01).",
            note: scaleNote, alternative: .kaiming)
    }

    // MARK: where the differences sit

    /// What a test patch holds: no smoke at all, smoke only among its targets (an all-zero context), or smoke in its context.
    public enum PatchContent: String, Codable, Sendable, CaseIterable {
        case empty, contextEmpty, contextSmoke
        public var title: String {
            switch self {
            case .empty: "empty patch"
            case .contextEmpty: "smoke only in targets"
            case .contextSmoke: "smoke in context"
            }
        }
    }

    /// The context-set size bins of the diagnostic (N_c is drawn from 10…250).
    public static let contextBins: [ClosedRange<Int>] = [10...50, 51...100, 101...250]
    /// A paired difference below this (nats per target) counts as a confident failure of the first model.
    public static let failureThreshold = -5.0

    /// Per test task: its context-set size and what the patch holds (test-set order).
    public func testTaskFeatures() throws -> [(contextCount: Int, content: PatchContent)] {
        let test = try states(.test)
        let sampler = PatchTaskSampler(states: test)
        return try testSet().patches.map { p in
            let context = Set(p.context)
            var inContext = false, anywhere = false
            for pixel in 0..<(sampler.side * sampler.side) {
                let (r, c) = sampler.framePixel(p, pixel)
                if test.value(p.state, row: r, column: c) != 0 {
                    anywhere = true
                    if context.contains(pixel) { inContext = true }
                }
            }
            return (p.context.count, !anywhere ? .empty : (inContext ? .contextSmoke : .contextEmpty))
        }
    }

    /// The pairs the bin diagnostic splits: each approximately equivariant model against its class's equivariant
    /// model, per training seed where both have several, then pooled (per task the mean over seeds).
    func binPairs() throws -> [(label: String, a: [[Double]], b: [[Double]], runs: [SmokeRunConfig])] {
        try Self.pairs.map { a, b in
            let ra = seedRuns(a), rb = seedRuns(b)
            let n = min(ra.count, rb.count)
            return ("\(a.displayName) − \(b.displayName)", try ra.prefix(n).map { try metrics($0).perTask.test },
                    try rb.prefix(n).map { try metrics($0).perTask.test }, Array(ra.prefix(n) + rb.prefix(n)))
        }
    }

    /// T̃ − T per test task split by context-set size and by patch content, from the cached per-task metrics: per
    /// bin the mean paired difference, and its contribution (n_bin / N × bin mean) to the overall mean difference.
    @discardableResult
    public func binDiagnostic() throws -> URL {
        let started = Date()
        let features = try testTaskFeatures()
        let subsets: [(String, (Int) -> Bool)] =
            Self.contextBins.map { bin in ("N_c \(bin.lowerBound)–\(bin.upperBound)", { bin.contains(features[$0].contextCount) }) }
            + PatchContent.allCases.map { c in (c.title, { features[$0].content == c }) }
        let counts = subsets.map { s in features.indices.filter(s.1).count }
        var meanRows: [TableRow] = [], shareRows: [TableRow] = [], runs: [SmokeRunConfig] = [], summaries: [String] = []
        for pair in try binPairs() {
            var rows: [(String, [Double])] = []
            for s in pair.a.indices { rows.append((pair.a.count > 1 ? "\(pair.label), seed \(s)" : pair.label, zip(pair.a[s], pair.b[s]).map { $0 - $1 })) }
            if pair.a.count > 1 {
                let pooled = features.indices.map { i in pair.a.indices.reduce(0.0) { $0 + pair.a[$1][i] - pair.b[$1][i] } / Double(pair.a.count) }
                rows.append(("\(pair.label), \(pair.a.count) seeds pooled", pooled))
            }
            var lastSplit: BinnedDifference?
            for (label, d) in rows {
                let split = BinnedDifference(d, subsets: subsets.map { s in d.indices.map(s.1) })
                lastSplit = split
                // The confident failures: tasks on which the approximately equivariant model loses more than 5 nats per target.
                let failures = BinnedDifference(d, subsets: [d.map { $0 < Self.failureThreshold }])
                let failureCount = d.filter { $0 < Self.failureThreshold }.count
                meanRows.append(TableRow(label, split.bins.map { $0.map { .estimate(mean: $0.mean, standardError: $0.standardError) } ?? .missing }
                                                + [failures.bins[0].map { .text(String(format: "%.2f (%d tasks)", $0.mean, failureCount)) } ?? .text("none"),
                                                   .estimate(mean: split.overall.mean, standardError: split.overall.standardError)]))
                shareRows.append(TableRow("contribution: " + label, split.contributions.map { .value($0) } + [.value(failures.contributions[0]), .value(split.overall.mean)]))
            }
            if let split = lastSplit {
                let parts = zip(subsets, split.contributions).map { String(format: "%@ %.3f", $0.0, $1) }
                summaries.append(String(format: "%@ (%@): overall %.3f = ", pair.label, rows.count > 1 ? "pooled" : "seed 0", split.overall.mean)
                                 + parts.prefix(Self.contextBins.count).joined(separator: " + ") + "; by content " + parts.dropFirst(Self.contextBins.count).joined(separator: " + "))
            }
            runs += pair.runs
        }
        let columns = zip(subsets, counts).map { TableColumn("\($0.0) (\($1))", preference: .none) }
            + [TableColumn("T̃ − T < −5 (confident failures)", preference: .none), TableColumn("all (\(features.count))", preference: .none)]
        let table = try ResultsTable(
            caption: "Where the smoke experiment's paired differences (approximately equivariant − equivariant, test log-likelihood per target, same test tasks) sit: by context-set size N_c and by what the 32 × 32 test patch holds (no smoke; smoke only among the targets, so the context is all zero; smoke in the context), test tasks per bin in brackets. Top: the mean difference in the bin ± its paired standard error. Bottom: the bin's contribution n_bin/N × mean_bin to the overall mean difference (the N_c bins sum to the last column, and so do the three content bins). The column before the last takes the tasks on which the approximately equivariant model loses more than 5 nats per target to its counterpart (their mean and count; their contribution), whatever their bin. Contributions: " + summaries.joined(separator: ". ") + ". (Per-region splits: tables/table-smoke-differences.)",
            label: "tab:diagnostics-bins-smoke2d", rowHeader: "Difference", columns: columns,
            groups: [RowGroup("Mean difference in the bin", meanRows), RowGroup("Contribution to the overall mean", shareRows)], decimals: 3, note: scaleNote)
        return try write(table, name: "diagnostics-bins-smoke2d", item: "Smoke: paired differences by context size and patch content (diagnostic)",
                         runs: runs, started: started)
    }

    // MARK: evaluation-time σ floors

    /// The floors of the σ-floor diagnostic (0: the trained model's σ as it is).
    public static let evaluationFloors: [Double] = [0, 0.01, 0.05, 0.1]

    /// Every run of the floor diagnostic scored on the test tasks under each evaluation floor (per floor, per task).
    public func flooredScores(_ run: SmokeRunConfig, tasks: Int? = nil) throws -> [[Double]] {
        let batches = try testSet().batches
        let keep = tasks.map { max(1, $0 / 16) } ?? batches.count
        let model = try trainedModel(run)
        say("floors: scoring \(run.label) on \(min(keep, batches.count) * 16) test tasks")
        return FlooredEvaluation.perTaskLogLikelihood(model, Array(batches.prefix(keep)), .on, floors: Self.evaluationFloors)
    }

    /// The trained models scored with σ' = max(σ, floor) at evaluation only, and T̃ − T under each floor.
    @discardableResult
    public func floorDiagnostic() throws -> URL {
        let started = Date()
        let floors = Self.evaluationFloors
        var scores: [(run: SmokeRunConfig, scores: [[Double]])] = []
        var runs: [SmokeRunConfig] = [], worstCached = 0.0
        func score(_ run: SmokeRunConfig) throws -> [[Double]] {
            if let s = scores.first(where: { $0.run == run }) { return s.scores }
            let s = try flooredScores(run)
            // The floor 0 must reproduce the cached per-task scores.
            let cached = try metrics(run).perTask.test
            worstCached = max(worstCached, zip(s[0], cached).map { abs($0 - $1) }.max() ?? 0)
            scores.append((run, s)); runs.append(run)
            return s
        }
        func floorTitle(_ f: Double) -> String { f == 0 ? "trained σ" : "σ ≥ \(f)" }
        let modelGroups = try Self.groups.map { name, kinds in
            RowGroup(name, try kinds.map { k in
                let s = try score(runConfig(k))
                return TableRow(k.displayName, s.map { .estimate(mean: Estimate($0).mean, standardError: Estimate($0).standardError) })
            })
        }
        var differenceRows: [TableRow] = []
        for (a, b) in Self.pairs {
            let ra = seedRuns(a), rb = seedRuns(b)
            let n = min(ra.count, rb.count)
            var perSeed: [[[Double]]] = []   // seed → floor → task differences
            for s in 0..<n {
                let sa = try score(ra[s]), sb = try score(rb[s])
                let d = floors.indices.map { f in zip(sa[f], sb[f]).map { $0 - $1 } }
                perSeed.append(d)
                differenceRows.append(TableRow("\(a.displayName) − \(b.displayName)\(n > 1 ? ", seed \(s)" : "")",
                                               d.map { .estimate(mean: Estimate($0).mean, standardError: Estimate($0).standardError) }))
            }
            if n > 1 {
                differenceRows.append(TableRow("\(a.displayName) − \(b.displayName), \(n) seeds pooled", floors.indices.map { f in
                    let pooled = perSeed[0][f].indices.map { i in perSeed.reduce(0.0) { $0 + $1[f][i] } / Double(n) }
                    let e = Estimate(pooled)
                    return .estimate(mean: e.mean, standardError: e.standardError)
                }))
            }
        }
        guard worstCached < 1e-3 else {
            throw ExperimentError.usage("the σ-floor diagnostic at floor 0 differs from the cached test scores by \(worstCached); the cached metrics are stale")
        }
        let table = try ResultsTable(
            caption: "How much of the smoke experiment's gaps is overconfidence: test log-likelihood per target (all \(scale.testTasks) test tasks) with the predictive standard deviation floored at evaluation only, σ' = max(σ, floor), for the trained models (top) and the paired differences approximately equivariant − equivariant (bottom; ± paired standard error over test tasks; pooled: per task the mean over seeds). The models were trained with σ = softplus + 0.01, so σ ≥ 0.01 already holds and that column equals the trained one; floors above it cap the cost of a confident miss. The floor-0 column reproduces the cached scores (largest per-task difference \(String(format: "%.1e", worstCached))).",
            label: "tab:diagnostics-floors-smoke2d", columns: floors.map { TableColumn(floorTitle($0), preference: .none) },
            groups: modelGroups + [RowGroup("Differences", differenceRows)], decimals: 3, note: scaleNote)
        return try write(table, name: "diagnostics-floors-smoke2d", item: "Smoke: test log-likelihood under evaluation-time σ floors (diagnostic)",
                         runs: runs, started: started)
    }
}

/// A paired difference split over subsets of the tasks: per subset the mean (nil when empty) and its contribution
/// Σ_{i∈subset} dᵢ / N to the overall mean. Over a partition the contributions sum to the overall mean.
public struct BinnedDifference {
    public var overall: Estimate
    public var bins: [Estimate?]
    public var contributions: [Double]

    public init(_ d: [Double], subsets: [[Bool]]) {
        overall = Estimate(d)
        bins = subsets.map { s in
            let v = zip(d, s).filter(\.1).map(\.0)
            return v.isEmpty ? nil : Estimate(v)
        }
        contributions = subsets.map { s in zip(d, s).filter(\.1).reduce(0.0) { $0 + $1.0 } / Double(max(d.count, 1)) }
    }
}

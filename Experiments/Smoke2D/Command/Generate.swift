import AtomicFile
import ArgumentParser
import ExperimentCLI
import Foundation
import SmokeSim

/// `smoke2d generate`: the sharded, checksummed, resumable smoke data set.
struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate the smoke data set (shards + manifest.json) under data/smoke/<scale>/.",
        discussion: """
        Scales: ci 16 simulations (8/4/4), quick 2,500 (2,000/250/250), paper 25,000 (20,000/2,500/2,500).
        Each simulation's parameters come from its index and the data-set seed alone, so any --jobs gives the
        same bytes. Rerunning after a kill keeps every intact shard (size and SHA-256 checked) and regenerates
        the missing or damaged ones.
        """)

    @Option(help: "ci, quick or paper.") var scale: String = "quick"
    @Option(help: "tutorial (the project's choice), wang or demo; other scalings go to data/smoke/<scale>-<scaling> by default.")
    var scaling: String = "tutorial"
    @Option(help: "Data folder (default: data/smoke/<scale> under the current directory).") var out: String?
    @Option(help: "Parallel simulations, 1…256 (default: all cores).") var jobs: Int = ProcessInfo.processInfo.activeProcessorCount
    @Flag(help: "No per-shard progress lines.") var quiet = false

    func run() throws {
        try OptionRange.check(jobs, in: 1...256, "--jobs")
        guard let scalingValue = SmokeScaling(rawValue: scaling) else {
            throw ValidationError("unknown --scaling '\(scaling)'; choose tutorial, wang or demo")
        }
        let plan = SmokeDatasetPlan(scale: try SmokeDataScale.named(scale), scaling: scalingValue)
        let dir = URL(fileURLWithPath: out ?? "data/smoke/\(scale)" + (scalingValue == .tutorial ? "" : "-\(scaling)"))
        let quiet = self.quiet
        print("generating \(plan.scale.total) simulations (\(plan.scale.train)/\(plan.scale.validation)/\(plan.scale.test)) "
              + "in \(plan.scale.shardCount) shards at \(dir.path) with \(jobs) job(s)")
        let report = try SmokeDatasetGenerator.run(plan: plan, directory: dir, threads: jobs) { line in
            if !quiet || line.contains("regenerating") { print(line) }
        }
        print(String(format: "done in %.1f s: %d shard(s) generated, %d reused; manifest %@", report.seconds,
                     report.generated.count, report.reused.count, dir.appendingPathComponent("manifest.json").path))
    }
}

/// `smoke2d stats`: Docs/smoke-simulator.md §e level 3 statistics of a generated data set, printed and written beside it.
struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Plume-top quantiles, obstacle contact by inflow position, non-empty-patch rate, maxima; writes stats.json.")

    @Option(help: "Data folder (default: data/smoke/quick).") var data: String = "data/smoke/quick"

    func run() throws {
        let dir = URL(fileURLWithPath: data)
        let stats = try SmokeDatasetStats.compute(directory: dir)
        print("smoke data set \(dir.path): \(stats.simulations) simulations")
        print(String(format: "plume top y: median %.1f, 10 %% %.1f, 90 %% %.1f, range [%.1f, %.1f]", stats.plumeTop.median,
                     stats.plumeTop.q10, stats.plumeTop.q90, stats.plumeTop.min, stats.plumeTop.max))
        print(String(format: "obstacle contact: %.1f %% (within 1 cell of the surface), %.1f %% (bounding square + 2 cells); non-empty 32×32 patches: %.1f %%; max smoke %.3f; CFL median %.1f, max %.1f",
                     100 * stats.contactRate, 100 * stats.neighbourhoodRate, 100 * stats.nonEmptyPatchRate, stats.maxSmoke, stats.cfl.median, stats.cfl.max))
        for g in stats.byInflow {
            print(String(format: "  inflow x = %.0f: %d simulations, contact %.1f %% (square %.1f %%), plume-top median %.1f", g.inflowX,
                         g.simulations, 100 * g.contactRate, 100 * g.neighbourhoodRate, g.plumeTopMedian))
        }
        print("\nDocs/smoke-simulator.md §e level 3:")
        for c in stats.checks() {
            print(String(format: "  %@ %@: %.3f (expected %.2f … %.2f)", c.ok ? "ok  " : "OUT ", c.name, c.value, c.range.lowerBound, c.range.upperBound))
        }
        let enc = JSONEncoder(); enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        try writeAtomically(try enc.encode(stats), to: dir.appendingPathComponent("stats.json"))
        print("\nwrote \(dir.appendingPathComponent("stats.json").path)")
    }
}

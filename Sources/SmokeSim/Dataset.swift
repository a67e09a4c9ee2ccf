import AtomicFile
import Foundation

/// The data-set manifest (`manifest.json`): the plan (scale, seed, scheme and scaling), the field layout, every
/// simulation's parameters and every shard's checksums. It holds no timestamps, so the same seed and version
/// give the same bytes.
public struct SmokeManifest: Codable, Sendable, Equatable {
    public struct Simulation: Codable, Sendable, Equatable {
        public var index: Int
        public var split: SmokeDataScale.Split
        public var shard: Int
        public var radius: Double
        public var inflowX: Double
        public var buoyancy: Double
    }
    public var version: String
    public var plan: SmokeDatasetPlan
    public var scheme: String
    /// Divide the stored smoke by this to get the prediction target in [0, 1] (Docs/smoke-simulator.md §d): rate × steps.
    public var targetScale: Double
    public var layout: [String: String]
    public var shards: [ShardRecord]
    public var simulations: [Simulation]

    public static let schemeDescription = """
        PhiFlow smoke plume re-implemented (Docs/smoke-simulator.md §a): 128² MAC grid, dx = 1, closed box; MacCormack smoke \
        advection with min/max limiter; semi-Lagrangian velocity self-advection; buoyancy B·s on the y-faces; \
        pressure projection with the sphere obstacle (damped faces, exact Float64 solve); advection in float32.
        """

    public init(plan: SmokeDatasetPlan, shards: [ShardRecord]) {
        version = SmokeDatasetPlan.version
        self.plan = plan
        scheme = SmokeManifest.schemeDescription
        targetScale = plan.setup.smokeScale
        layout = [
            "smoke": "shards/shard-NNNN.smoke.npy, float32 [S, 128, 128]: smoke density at cell centres, rows y (row 0 = bottom), columns x; target = smoke / targetScale",
            "vx": "shards/shard-NNNN.vx.npy, float32 [S, 128, 127]: x-velocity on the interior x-faces x = 1 … 127",
            "vy": "shards/shard-NNNN.vy.npy, float32 [S, 127, 128]: y-velocity on the interior y-faces y = 1 … 127",
            "splits": "indices 0 ..< train are training, then validation, then test; shard k holds indices k·S ..< (k + 1)·S",
        ]
        self.shards = shards
        simulations = shards.flatMap { r in
            r.parameters.enumerated().map { k, p in
                Simulation(index: r.firstIndex + k, split: r.split, shard: r.shard, radius: p.radius, inflowX: p.inflowX, buoyancy: p.buoyancy)
            }
        }
    }
}

/// Generates (or completes) a data set in a folder, resumably.
public enum SmokeDatasetGenerator {
    public struct Report: Sendable {
        public var generated: [Int]
        public var reused: [Int]
        public var seconds: Double
        public var manifest: SmokeManifest
    }

    /// Verifies every shard already present (size and SHA-256), regenerates the missing or damaged ones on
    /// `threads` threads (each shard's bytes depend only on the plan), then writes `manifest.json`.
    /// `log` receives one line per event (damaged shard found, shard finished).
    public static func run(plan: SmokeDatasetPlan, directory: URL, threads: Int,
                           log: @escaping @Sendable (String) -> Void = { _ in }) throws -> Report {
        try plan.scale.validate()
        let store = ShardStore(directory: directory, plan: plan)
        removeStaleTemporaries(in: directory.appendingPathComponent("shards"))
        let start = Date()
        var todo: [Int] = [], reused: [Int] = [], records: [Int: ShardRecord] = [:]
        for shard in 0..<plan.scale.shardCount {
            do { records[shard] = try store.verify(shard); reused.append(shard) } catch let e as SmokeError {
                if case .corruptData(let why) = e, FileManager.default.fileExists(atPath: store.recordURL(shard).path) {
                    log("\(why) — regenerating")
                }
                todo.append(shard)
            }
        }
        if !todo.isEmpty {
            let simulators = try (0..<max(1, min(threads, todo.count))).map { _ in try SmokeSimulator(setup: plan.setup) }
            let lock = NSLock()
            nonisolated(unsafe) var done = 0
            let total = todo.count
            let todoList = todo
            try runParallel(count: todo.count, threads: simulators.count) { worker, k in
                let shard = todoList[k]
                let t0 = Date()
                try store.generate(shard, simulator: simulators[worker])
                lock.lock(); done += 1; let d = done; lock.unlock()
                log(String(format: "shard %d (%@) written: %d simulations in %.1f s [%d/%d]", shard,
                           plan.scale.split(of: plan.shardRange(shard).lowerBound).rawValue, plan.scale.shardSize,
                           Date().timeIntervalSince(t0), d, total))
            }
        }
        // The new shards are read back and checked once more (this catches a disk that lies).
        for shard in todo { records[shard] = try store.verify(shard) }
        let manifest = SmokeManifest(plan: plan, shards: (0..<plan.scale.shardCount).map { records[$0]! })
        try atomicWrite(try jsonEncoder().encode(manifest), to: directory.appendingPathComponent("manifest.json"))
        return Report(generated: todo, reused: reused, seconds: Date().timeIntervalSince(start), manifest: manifest)
    }

    /// Leftovers of a killed run (temporary files of `writeAtomically`).
    static func removeStaleTemporaries(in dir: URL) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { return }
        for name in names where isLeftoverTemporary(name) {
            try? FileManager.default.removeItem(at: dir.appendingPathComponent(name))
        }
    }

    /// Reads `manifest.json` of a data-set folder.
    public static func manifest(in directory: URL) throws -> SmokeManifest {
        let url = directory.appendingPathComponent("manifest.json")
        guard let data = try? Data(contentsOf: url) else {
            throw SmokeError.io("no data set at \(directory.path) (missing manifest.json); run `smoke2d generate` first")
        }
        do { return try JSONDecoder().decode(SmokeManifest.self, from: data) } catch {
            throw SmokeError.corruptData("\(url.path) is not a valid manifest: \(error)")
        }
    }
}

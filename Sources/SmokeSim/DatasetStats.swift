import Foundation
import NPTensor

/// The data-set statistics of Docs/smoke-simulator.md §e level 3, which catch a wrong scaling that unit tests miss.
///
/// Definitions (per simulation, final smoke s on the n × n cells):
/// * plume top: the highest cell-centre y with s > 0.1 × max s;
/// * obstacle contact: some cell with s > 0.1 × max s has its centre within one cell of the obstacle surface
///   (|c − o| ≤ R + 1); Docs/smoke-simulator.md §e does not define "reaches the obstacle", so a looser variant is reported too:
///   such a cell inside the obstacle's bounding square widened by 2 cells (|x − oₓ|, |y − o_y| ≤ R + 2);
/// * non-empty patch: a 32 × 32 window at a uniformly random position whose maximum of s / targetScale exceeds
///   0.05 (16 windows per simulation, drawn from stream `index` of `patchSeed`);
/// * CFL: max |face velocity| × dt (cells per step).
public struct SmokeDatasetStats: Codable, Sendable, Equatable {
    public struct Quantiles: Codable, Sendable, Equatable { public var q10, median, q90, min, max: Double }
    public struct ByInflow: Codable, Sendable, Equatable {
        public var inflowX: Double
        public var simulations: Int
        public var contactRate: Double
        public var neighbourhoodRate: Double
        public var plumeTopMedian: Double
    }
    public var simulations: Int
    public var plumeTop: Quantiles
    public var contactRate: Double
    /// The looser contact variant (bounding square widened by 2 cells).
    public var neighbourhoodRate: Double
    public var nonEmptyPatchRate: Double
    public var maxSmoke: Double
    public var cfl: Quantiles
    public var byInflow: [ByInflow]

    public static let patchSize = 32, patchesPerSimulation = 16
    public static let patchSeed: UInt64 = 1_729

    /// One simulation's numbers.
    public struct Sample: Sendable {
        public var inflowX: Double
        public var plumeTop: Double
        public var contact: Bool
        public var nearObstacle: Bool
        public var nonEmptyPatches: Int
        public var maxSmoke: Double
        public var maxSpeed: Double
    }

    public static func sample(index: Int, parameters: PlumeParameters, smoke: ArraySlice<Float>, vx: ArraySlice<Float>, vy: ArraySlice<Float>,
                              n: Int, obstacle: Obstacle?, targetScale: Double) -> Sample {
        let s = Array(smoke)
        let peak = Double(s.max() ?? 0), threshold = 0.1 * peak
        var top = 0.0, contact = false, near = false
        for j in 0..<n { for i in 0..<n where Double(s[j * n + i]) > threshold && peak > 0 {
            top = max(top, Double(j) + 0.5)
            if let o = obstacle {
                let dx = Double(i) + 0.5 - o.centerX, dy = Double(j) + 0.5 - o.centerY
                if (dx * dx + dy * dy).squareRoot() <= o.radius + 1 { contact = true }
                if abs(dx) <= o.radius + 2 && abs(dy) <= o.radius + 2 { near = true }
            }
        } }
        var rng = RandomGenerator(seed: patchSeed, stream: UInt64(index))
        var nonEmpty = 0
        for _ in 0..<patchesPerSimulation {
            let x0 = min(Int(rng.uniform() * Double(n - patchSize + 1)), n - patchSize)
            let y0 = min(Int(rng.uniform() * Double(n - patchSize + 1)), n - patchSize)
            var m: Float = 0
            for j in y0..<(y0 + patchSize) { for i in x0..<(x0 + patchSize) { m = max(m, s[j * n + i]) } }
            if Double(m) / targetScale > 0.05 { nonEmpty += 1 }
        }
        let speed = Double(max(vx.map { abs($0) }.max() ?? 0, vy.map { abs($0) }.max() ?? 0))
        return Sample(inflowX: parameters.inflowX, plumeTop: top, contact: contact, nearObstacle: near, nonEmptyPatches: nonEmpty, maxSmoke: peak, maxSpeed: speed)
    }

    public init(samples: [Sample], dt: Double) {
        func quantiles(_ xs: [Double]) -> Quantiles {
            let s = xs.sorted()
            func q(_ p: Double) -> Double {
                guard !s.isEmpty else { return .nan }
                let pos = p * Double(s.count - 1), lo = Int(pos.rounded(.down)), hi = min(lo + 1, s.count - 1)
                return s[lo] + (pos - Double(lo)) * (s[hi] - s[lo])
            }
            return Quantiles(q10: q(0.1), median: q(0.5), q90: q(0.9), min: s.first ?? .nan, max: s.last ?? .nan)
        }
        simulations = samples.count
        plumeTop = quantiles(samples.map(\.plumeTop))
        contactRate = Double(samples.filter(\.contact).count) / Double(max(1, samples.count))
        neighbourhoodRate = Double(samples.filter(\.nearObstacle).count) / Double(max(1, samples.count))
        nonEmptyPatchRate = Double(samples.map(\.nonEmptyPatches).reduce(0, +)) / Double(max(1, samples.count * Self.patchesPerSimulation))
        maxSmoke = samples.map(\.maxSmoke).max() ?? 0
        cfl = quantiles(samples.map { $0.maxSpeed * dt })
        byInflow = Set(samples.map(\.inflowX)).sorted().map { x in
            let group = samples.filter { $0.inflowX == x }
            return ByInflow(inflowX: x, simulations: group.count,
                            contactRate: Double(group.filter(\.contact).count) / Double(group.count),
                            neighbourhoodRate: Double(group.filter(\.nearObstacle).count) / Double(group.count),
                            plumeTopMedian: quantiles(group.map(\.plumeTop)).median)
        }
    }

    /// The expectations of Docs/smoke-simulator.md §e level 3 with the given slack: (name, value, allowed range, inside?).
    public func checks(wide: Bool = false) -> [(name: String, value: Double, range: ClosedRange<Double>, ok: Bool)] {
        let rows: [(String, Double, ClosedRange<Double>)] = [
            ("plume-top median (expected ≈ 85)", plumeTop.median, wide ? 70...100 : 75...95),
            ("plume-top 10 % quantile (expected ≈ 61)", plumeTop.q10, wide ? 35...80 : 45...75),
            ("plume-top 90 % quantile (expected ≈ 106)", plumeTop.q90, wide ? 90...125 : 95...118),
            ("obstacle contact rate (expected 27 % ± 10 %)", contactRate, wide ? 0.05...0.5 : 0.17...0.37),
            ("non-empty 32×32 patch rate (expected 55 % ± 10 %)", nonEmptyPatchRate, wide ? 0.4...0.7 : 0.45...0.65),
            ("max smoke (expected ≤ 21; float32 round-off allowed)", maxSmoke, 0...21.001),
        ]
        return rows.map { ($0.0, $0.1, $0.2, $0.2.contains($0.1)) }
    }

    /// Statistics of every simulation of a generated data set (loads and checks each shard).
    public static func compute(directory: URL) throws -> SmokeDatasetStats {
        let manifest = try SmokeDatasetGenerator.manifest(in: directory)
        let store = ShardStore(directory: directory, plan: manifest.plan)
        let n = manifest.plan.setup.gridSize
        var samples: [Sample] = []
        for record in manifest.shards {
            let s = try store.load(record.shard, field: "smoke"), vx = try store.load(record.shard, field: "vx"),
                vy = try store.load(record.shard, field: "vy")
            for k in 0..<record.count {
                samples.append(sample(index: record.firstIndex + k, parameters: record.parameters[k],
                                      smoke: s.values[(k * n * n)..<((k + 1) * n * n)],
                                      vx: vx.values[(k * n * (n - 1))..<((k + 1) * n * (n - 1))],
                                      vy: vy.values[(k * n * (n - 1))..<((k + 1) * n * (n - 1))],
                                      n: n, obstacle: manifest.plan.setup.obstacle, targetScale: manifest.targetScale))
            }
        }
        return SmokeDatasetStats(samples: samples, dt: manifest.plan.setup.dt)
    }
}

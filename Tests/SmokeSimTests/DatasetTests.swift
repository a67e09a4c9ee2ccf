import Foundation
import Testing
@testable import SmokeSim

/// A class so that `deinit` removes each test's scratch folder (Swift Testing makes one instance per test).
final class DatasetTests {
    let tmp: URL
    init() {
        tmp = FileManager.default.temporaryDirectory.appendingPathComponent("smoke-tests-\(getpid())-\(UUID().uuidString)")
        try? FileManager.default.removeItem(at: tmp)
    }
    deinit { try? FileManager.default.removeItem(at: tmp) }

    @Test func sha256KnownDigests() {
        #expect(SHA256.hex(Data()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Data("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(Data("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        // Chunked updates give the same digest as one update.
        let big = Data((0..<1000).map { UInt8(truncatingIfNeeded: $0 * 7) })
        var s = SHA256(); s.update(big[0..<13]); s.update(big[13..<500]); s.update(big[500...])
        #expect(s.finalize() == SHA256.hex(big))
    }

    @Test func npyRoundTripAndRejectsTruncation() throws {
        let values: [Float] = (0..<12).map { Float($0) * 0.5 - 1 }
        let data = Npy.encode(values, shape: [3, 4])
        #expect((data.count % 64) == (48 % 64 == 0 ? 0 : data.count % 64))   // header padded: data starts at a multiple of 64
        #expect(((data.count - 48) % 64) == 0)
        let back = try Npy.decode(data)
        #expect(back.shape == [3, 4]); #expect(back.values == values)
        if let e = #expect(throws: (any Error).self, performing: { try Npy.decode(data.prefix(data.count - 4)) }) { #expect("\(e)".contains("truncated")) }
    }

    /// A header whose shape multiplies past Int.max (2^63 rows) or past the file's size is refused by name, not wrapped
    /// around to a negative byte count.
    @Test func npyRejectsAShapeLargerThanTheFile() throws {
        let data = Npy.encode([1, 2, 3, 4], shape: [2, 2])
        let headerLength = Int(data[8]) | Int(data[9]) << 8
        let header = String(decoding: data[10..<(10 + headerLength)], as: UTF8.self)
        for forged in ["(9223372036854775807, 2)", "(4611686018427387904, 4)", "(1000, 1000)"] {
            // The same header length: the padding spaces before the final newline make room for the longer shape.
            var text = header.replacingOccurrences(of: "(2, 2)", with: forged)
            let excess = text.count - header.count
            text = String(text.dropLast(excess + 1)) + "\n"
            #expect(text.utf8.count == headerLength)
            let forgedData = data.prefix(10) + Data(text.utf8) + data.suffix(from: 10 + headerLength)
            let error = #expect(throws: (any Error).self) { try Npy.decode(forgedData) }
            #expect("\(error.map { "\($0)" } ?? "")".contains("holds more values than the file"), "\(forged)")
        }
    }

    @Test func planDependsOnIndexAndSeedOnly() {
        let plan = SmokeDatasetPlan(scale: .paper)
        let a = (0..<300).map { plan.parameters(at: $0) }
        #expect(a == ((0..<300).map { plan.parameters(at: $0) }))
        #expect(plan.parameters(at: 123) == SmokeDatasetPlan(scale: .quick).parameters(at: 123))   // same seed
        for p in a {
            #expect([30.0, 64, 110].contains(p.inflowX))
            #expect((5...30).contains(p.radius)); #expect((0.1...0.5).contains(p.buoyancy))
        }
        for x in [30.0, 64, 110] { #expect((a.filter { $0.inflowX == x }.count) > 70) }
        #expect(SmokeDataScale.paper.total == 25_000); #expect(SmokeDataScale.paper.train == 20_000)
        for s in SmokeDataScale.all { #expect(throws: Never.self) { try s.validate() } }
        #expect(SmokeDataScale.quick.split(of: 2_000) == .validation)
        #expect(SmokeDataScale.quick.indices(of: .test) == (2_250..<2_500))
    }

    /// A tiny data set (16² grid): same bytes for 1 and 2 threads, damaged shards are found and regenerated,
    /// loading a damaged shard fails with a clear error.
    @Test func generateResumeAndDetectCorruption() throws {
        var plan = SmokeDatasetPlan(scale: SmokeDataScale(name: "t", train: 4, validation: 2, test: 2, shardSize: 2, seed: 7))
        plan.setup = smallSetup(n: 16, steps: 6)
        let a = tmp.appendingPathComponent("a"), b = tmp.appendingPathComponent("b")
        let r1 = try SmokeDatasetGenerator.run(plan: plan, directory: a, threads: 1)
        #expect(r1.generated == [0, 1, 2, 3])
        _ = try SmokeDatasetGenerator.run(plan: plan, directory: b, threads: 2)
        let fm = FileManager.default
        for name in try fm.contentsOfDirectory(atPath: a.appendingPathComponent("shards").path) {
            #expect(try (Data(contentsOf: a.appendingPathComponent("shards/\(name)"))) == Data(contentsOf: b.appendingPathComponent("shards/\(name)")), Comment(rawValue: name))
        }
        #expect(try (Data(contentsOf: a.appendingPathComponent("manifest.json"))) == Data(contentsOf: b.appendingPathComponent("manifest.json")))
        let manifest = try SmokeDatasetGenerator.manifest(in: a)
        #expect(manifest.simulations.count == 8); #expect(manifest.simulations[5].split == .validation)
        #expect(abs(manifest.targetScale - 3.6) <= 1e-12)

        // Damage: truncate one file, flip a byte in another, delete a record (as a kill before it was written).
        let store = ShardStore(directory: a, plan: plan)
        let original = try Data(contentsOf: store.fileURL(1, "smoke"))
        try original.prefix(100).write(to: store.fileURL(1, "smoke"))
        var flipped = try Data(contentsOf: store.fileURL(2, "vx")); flipped[200] ^= 0xFF
        try flipped.write(to: store.fileURL(2, "vx"))
        try fm.removeItem(at: store.recordURL(3))
        if let e = #expect(throws: (any Error).self, performing: { try store.load(1, field: "smoke") }) { #expect("\(e)".contains("truncated")) }
        if let e = #expect(throws: (any Error).self, performing: { try store.load(2, field: "vx") }) { #expect("\(e)".contains("SHA-256")) }
        let messages = LogBox()
        let r2 = try SmokeDatasetGenerator.run(plan: plan, directory: a, threads: 2) { messages.append($0) }
        #expect(r2.generated == [1, 2, 3]); #expect(r2.reused == [0])
        #expect(messages.lines.contains { $0.contains("shard 2") && $0.contains("regenerating") })
        #expect(try (Data(contentsOf: store.fileURL(1, "smoke"))) == original)
        #expect(try (store.load(2, field: "vx").shape) == [2, 16, 15])
    }

    /// Level-3 statistics on a small sample of the real configuration land in (widened) ranges of Docs/smoke-simulator.md §e level 3.
    @Test func statisticsOnSmallSample() throws {
        let plan = SmokeDatasetPlan(scale: .paper)
        let sim = try SmokeSimulator(setup: plan.setup)
        var samples: [SmokeDatasetStats.Sample] = []
        for index in 0..<16 {
            let p = plan.parameters(at: index)
            let r = try sim.runSmokeVelocity32(p)
            samples.append(SmokeDatasetStats.sample(index: index, parameters: p, smoke: r.smoke[...], vx: r.vx[...], vy: r.vy[...],
                                                    n: 128, obstacle: plan.setup.obstacle, targetScale: plan.setup.smokeScale))
        }
        let stats = SmokeDatasetStats(samples: samples, dt: plan.setup.dt)
        for c in stats.checks(wide: true) { #expect(c.ok, "\(c.name): \(c.value) outside \(c.range)") }
    }
}

final class LogBox: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [String] = []
    func append(_ s: String) { lock.lock(); storage.append(s); lock.unlock() }
    var lines: [String] { lock.lock(); defer { lock.unlock() }; return storage }
}

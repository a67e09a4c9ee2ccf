import Foundation
import NPAutodiff
import NPNN
import NPTensor
import Testing

@Suite struct CheckpointTests {
    func tempURL(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("aenp-tests-\(UUID().uuidString)").appendingPathComponent(name)
    }

    func model(seed: UInt64) -> (ParameterStore, AdamW) {
        var rng = RandomGenerator(seed: seed)
        let store = ParameterStore()
        _ = MLP(store.root.child("net"), widths: [3, 8, 2], rng: &rng)
        _ = LayerNorm(store.root.child("norm"), features: 2)
        return (store, AdamW(store, .init(learningRate: 1e-3)))
    }

    @Test func roundTripsBitExactlyWithOptimiserState() throws {
        let (store, opt) = model(seed: 1)
        for p in store.parameters { p.accumulateGrad(p.scalars.map { $0 * 0.3 + 0.1 }) }
        opt.update()
        let url = tempURL("ckpt.safetensors")
        try Checkpoint.save(store: store, optimiser: opt, metadata: ["run": "test"], to: url)
        let (other, otherOpt) = model(seed: 2)
        let md = try Checkpoint.load(into: other, optimiser: otherOpt, from: url)
        #expect(md["run"] == "test" && otherOpt.step == 1)
        for (name, p) in store.named {
            #expect(other[name]!.scalars.map(\.bitPattern) == p.scalars.map(\.bitPattern), "\(name)")
        }
        // Same next step from the same state: the optimiser moments came back too.
        for s in [store, other] { for p in s.parameters { p.accumulateGrad([Float](repeating: 0.2, count: p.value.count)) } }
        opt.update(); otherOpt.update()
        for (name, p) in store.named { #expect(other[name]!.scalars == p.scalars, "\(name) after one more step") }
    }

    @Test func fileIsReadableAsPlainSafetensors() throws {
        let data = try SafeTensors.encode(["w": Tensor(shape: [2, 1], scalars: [1.5, -2])], metadata: ["k": "v"])
        let n = Int(data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
        #expect((8 + n) % 8 == 0)
        let header = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + n))) as! [String: Any]
        let w = header["w"] as! [String: Any]
        #expect(w["dtype"] as? String == "F32" && w["shape"] as? [Int] == [2, 1] && w["data_offsets"] as? [Int] == [0, 8])
        #expect((header["__metadata__"] as? [String: String]) == ["k": "v"])
        #expect(data.count == 8 + n + 8)
        #expect(Array(data.suffix(8)) == [0, 0, 0xC0, 0x3F, 0, 0, 0, 0xC0])   // 1.5 and -2 as little-endian F32
    }

    @Test func truncatedFileIsRejectedAndNothingChanges() throws {
        let (store, opt) = model(seed: 1)
        let url = tempURL("ckpt.safetensors")
        try Checkpoint.save(store: store, optimiser: opt, to: url)
        let full = try Data(contentsOf: url)
        let (other, otherOpt) = model(seed: 2)
        let before = other.snapshot()
        for cut in [3, 40, full.count - 1] {
            try full.prefix(cut).write(to: url)
            #expect(throws: CheckpointError.self) { try Checkpoint.load(into: other, optimiser: otherOpt, from: url) }
        }
        #expect(other.snapshot() == before)
        do {
            try full.prefix(full.count - 4).write(to: url)
            try Checkpoint.load(into: other, optimiser: otherOpt, from: url)
            Issue.record("a truncated file loaded")
        } catch let e as CheckpointError {
            #expect(e.description.contains("truncated") || e.description.contains("cover"), "\(e)")
        }
    }

    @Test func mismatchedModelIsRejected() throws {
        let (store, _) = model(seed: 1)
        let url = tempURL("ckpt.safetensors")
        try Checkpoint.save(store: store, optimiser: nil, to: url)
        var rng = RandomGenerator(seed: 3)
        let other = ParameterStore()
        _ = MLP(other.root.child("net"), widths: [3, 9, 2], rng: &rng)   // different width
        _ = LayerNorm(other.root.child("norm"), features: 2)
        #expect(throws: CheckpointError.self) { try Checkpoint.load(into: other, optimiser: nil, from: url) }
        let (third, thirdOpt) = model(seed: 4)
        #expect(throws: CheckpointError.self) { try Checkpoint.load(into: third, optimiser: thirdOpt, from: url) }   // no optimiser state
        #expect(throws: CheckpointError.self) { try Checkpoint.load(into: third, optimiser: nil, from: tempURL("missing")) }
    }

    @Test func corruptHeaderIsRejected() {
        var data = Data([16, 0, 0, 0, 0, 0, 0, 0])
        data.append(contentsOf: Array("{not json at all}".utf8.prefix(16)))
        #expect(throws: CheckpointError.self) { try SafeTensors.decode(data) }
        var overlapping = Data()
        let json = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#
        withUnsafeBytes(of: UInt64(json.utf8.count).littleEndian) { overlapping.append(contentsOf: $0) }
        overlapping.append(contentsOf: Array(json.utf8)); overlapping.append(contentsOf: [0, 0, 0, 0])
        #expect(throws: CheckpointError.self) { try SafeTensors.decode(overlapping) }
    }

    /// The offset of the data section (after the 8-byte length and the JSON header).
    func dataStart(_ data: Data) -> Int {
        8 + Int(data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
    }

    @Test func aFlippedWeightByteIsDetectedAndTheErrorNamesTheFileAndTheRemedy() throws {
        let (store, opt) = model(seed: 1)
        let url = tempURL("checkpoint.safetensors")
        try Checkpoint.save(store: store, optimiser: opt, metadata: ["run": "test"], to: url)
        let data = try Data(contentsOf: url)
        for offset in [dataStart(data), dataStart(data) + 13, data.count - 1] {
            var flipped = data
            flipped[offset] ^= 0x10
            try flipped.write(to: url)
            let (other, otherOpt) = model(seed: 2)
            let before = other.snapshot()
            do {
                try Checkpoint.load(into: other, optimiser: otherOpt, from: url)
                Issue.record("a checkpoint with a flipped byte at \(offset) loaded")
            } catch let e as CheckpointError {
                #expect(e.description.contains(url.path) && e.description.contains("checksum"), "\(e)")
                #expect(e.description.contains("delete the run folder \(url.deletingLastPathComponent().path) to retrain"), "\(e)")
            }
            #expect(other.snapshot() == before)
        }
        try data.write(to: url)   // the intact file loads
        try Checkpoint.load(into: model(seed: 2).0, optimiser: nil, from: url)
    }

    @Test func savingIsDeterministicAndTheChecksumIsAPlainStringEntry() throws {
        let (store, opt) = model(seed: 1)
        let (a, b) = (tempURL("a.safetensors"), tempURL("b.safetensors"))
        try Checkpoint.save(store: store, optimiser: opt, metadata: ["run": "x"], to: a)
        try Checkpoint.save(store: store, optimiser: opt, metadata: ["run": "x"], to: b)
        let data = try Data(contentsOf: a)
        #expect(data == (try Data(contentsOf: b)))
        // What PyTorch's safetensors reads: __metadata__ maps strings to strings.
        let header = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<dataStart(data))) as! [String: Any]
        let md = try #require(header["__metadata__"] as? [String: String])
        #expect(md[Checkpoint.checksumKey]?.count == 16 && md["run"] == "x")
        #expect(md[Checkpoint.checksumKey] == Checkpoint.checksum(try SafeTensors.decode(data).tensors))
    }

    @Test func checkpointsWithoutAChecksumStillLoad() throws {
        let (store, _) = model(seed: 1)
        let url = tempURL("old.safetensors")
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try SafeTensors.encode(store.snapshot(), metadata: ["step": "5"]).write(to: url)   // as written before checksums
        let (other, _) = model(seed: 2)
        #expect(try Checkpoint.load(into: other, optimiser: nil, from: url)["step"] == "5")
        #expect(other.snapshot() == store.snapshot())
        // And the repository's committed checkpoints (written before checksums) still read.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let results = root.appendingPathComponent("results")
        let files = (FileManager.default.enumerator(atPath: results.path)?.compactMap { $0 as? String } ?? [])
            .filter { $0.hasSuffix("checkpoint.safetensors") }.sorted().prefix(3)
        for f in files { _ = try Checkpoint.read(results.appendingPathComponent(f)) }
    }

    @Test func readErrorsNameTheFile() throws {
        let url = tempURL("checkpoint.safetensors")
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data().write(to: url)
        let (store, _) = model(seed: 1)
        do { try Checkpoint.load(into: store, optimiser: nil, from: url); Issue.record("a 0-byte file loaded") } catch let e as CheckpointError {
            #expect(e.description.hasPrefix("corrupt checkpoint \(url.path): file is 0 bytes"), "\(e)")
            #expect(e.description.contains("delete the run folder"), "\(e)")
        }
        let missing = tempURL("checkpoint.safetensors")
        do { try Checkpoint.load(into: store, optimiser: nil, from: missing); Issue.record("a missing file loaded") } catch let e as CheckpointError {
            #expect(e.description.hasPrefix("cannot read checkpoint \(missing.path): no such file or directory; "), "\(e)")
            #expect(!e.description.contains("Domain"), "\(e)")
        }
    }
}

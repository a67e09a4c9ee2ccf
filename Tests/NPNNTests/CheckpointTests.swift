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
}

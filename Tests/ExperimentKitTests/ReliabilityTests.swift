import AtomicFile
import ExperimentKit
import Foundation
import NPNN
import NPTensor
import NPTestSupport
import Testing

func scratch() -> URL { scratchDirectory("aenp-kit") }

func smallStore(seed: UInt64) -> ParameterStore {
    var rng = RandomGenerator(seed: seed)
    let store = ParameterStore()
    _ = MLP(store.root.child("net"), widths: [2, 4, 1], rng: &rng)
    return store
}

@Suite struct RunStoreReliabilityTests {
    @Test func aRunMarkedDoneWithoutACheckpointNamesItsFolder() throws {
        let store = RunStore(root: scratch(), experiment: "gibbs1d", scale: "quick", keepsOptimiserStateWhenDone: false)
        try store.markDone("convcnp-abc")
        let folder = store.runDirectory("convcnp-abc").path
        let expected = "run folder \(folder) is marked DONE but has no checkpoint.safetensors; delete the folder to retrain the run"
        #expect(throws: RunStoreError.doneWithoutCheckpoint(folder: folder)) { try store.loadFinishedRun("convcnp-abc", into: smallStore(seed: 1)) }
        #expect(throws: RunStoreError.doneWithoutCheckpoint(folder: folder)) { try store.dropOptimiserState("convcnp-abc") }
        #expect(RunStoreError.doneWithoutCheckpoint(folder: folder).description == expected)
    }

    @Test func finishedRunsLoadAndCompactionKeepsAValidChecksum() throws {
        let store = RunStore(root: scratch(), experiment: "gibbs1d", scale: "quick")
        let params = smallStore(seed: 1)
        let opt = AdamW(params, .init(learningRate: 1e-3))
        for p in params.parameters { p.accumulateGrad(p.scalars.map { $0 * 0.5 }) }
        opt.update()
        try Checkpoint.save(store: params, optimiser: opt, metadata: ["step": "1"], to: store.checkpointURL("k"))
        try store.markDone("k")
        #expect(try store.dropOptimiserState("k"))
        let (tensors, md) = try Checkpoint.read(store.checkpointURL("k"))   // verifies the rewritten checksum
        #expect(!tensors.keys.contains { $0.hasPrefix("adamw.") } && md[Checkpoint.checksumKey] == Checkpoint.checksum(tensors))
        let other = smallStore(seed: 2)
        #expect(try store.loadFinishedRun("k", into: other)["step"] == "1")
        #expect(other.snapshot() == params.snapshot())
    }

    @Test func takingARunsLockRemovesStalePartialFiles() throws {
        let store = RunStore(root: scratch(), experiment: "gibbs1d", scale: "quick")
        let dir = store.runDirectory("k")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let dead = try deadPID()
        let a = ".checkpoint.safetensors.partial-\(dead)-1", b = ".train-log.csv.partial-\(dead)-2"
        try Data("x".utf8).write(to: dir.appendingPathComponent(a))
        try Data("x".utf8).write(to: dir.appendingPathComponent(b))
        let lock = try RunLock(directory: dir)
        lock.unlock()
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent(a).path))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent(b).path))
    }
}

@Suite struct JSONHelperTests {
    struct Metrics: Codable, Equatable {
        var name: String
        var logLikelihood: Double
        var perTask: [Double]
        var float: Float
        var nested: [String: Double]
    }

    @Test func nonFiniteNumbersAreWrittenAsNull() throws {
        let m = Metrics(name: "convcnp", logLikelihood: -.infinity, perTask: [1.5, .nan, .infinity, -2], float: .nan,
                        nested: ["a": -.infinity, "b": 0.25])
        let url = scratch().appendingPathComponent("eval").appendingPathComponent("k.json")
        try writeJSON(m, to: url)
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(!text.contains("aenp_non_finite") && !text.contains("inf") && !text.contains("nan"), "\(text)")
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
        #expect(object["logLikelihood"] is NSNull && object["float"] is NSNull)
        let perTask = object["perTask"] as! [Any]
        #expect(perTask.count == 4 && perTask[1] is NSNull && perTask[2] is NSNull && (perTask[0] as? Double) == 1.5)
        #expect((object["nested"] as! [String: Any])["a"] is NSNull)
        #expect(text.contains("\"logLikelihood\" : null"))
    }

    @Test func finiteValuesAreEncodedExactlyAsBefore() throws {
        let m = Metrics(name: "a \"quoted\" name", logLikelihood: -1.2345678901234567, perTask: [1e-300, 0.1, -0, 3e300],
                        float: 0.1, nested: ["z": 1, "a": 2.5])
        let plain = JSONEncoder()
        plain.outputFormatting = [.sortedKeys, .prettyPrinted]
        #expect(try canonicalJSON(m) == (try plain.encode(m)))
        // A committed metrics file decodes and re-encodes to the same bytes it was written with.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let evalFiles = (FileManager.default.enumerator(atPath: root.appendingPathComponent("results").path)?.compactMap { $0 as? String } ?? [])
            .filter { $0.contains("/eval/") && $0.hasSuffix(".json") }.sorted().prefix(5)
        for f in evalFiles {
            let data = try Data(contentsOf: root.appendingPathComponent("results").appendingPathComponent(f))
            let value = try JSONDecoder().decode(JSONValue.self, from: data)
            let enc = JSONEncoder()
            enc.outputFormatting = [.sortedKeys, .prettyPrinted]
            #expect(try canonicalJSON(value) == (try enc.encode(value)), "\(f)")
        }
    }

    @Test func readErrorsNameTheFileAndTheRemedyWithoutADump() throws {
        let dir = scratch()
        let missing = dir.appendingPathComponent("missing.json")
        do { _ = try readJSON(Metrics.self, from: missing); Issue.record("read a missing file") } catch let e as FileError {
            #expect(e.description.hasPrefix("cannot read \(missing.path): no such file or directory; "), "\(e)")
        }
        let bad = dir.appendingPathComponent("bad.json")
        try Data(#"{"name": "x", "logLikelihood": null}"#.utf8).write(to: bad)
        do { _ = try readJSON(Metrics.self, from: bad); Issue.record("read a bad file") } catch let e as ExperimentError {
            #expect(e.description.hasPrefix("unreadable results file \(bad.path): "), "\(e)")
            #expect(e.description.hasSuffix("; delete it to recompute"), "\(e)")
            #expect(!e.description.contains("Context") && !e.description.contains("CodingKeys"), "\(e)")
        }
        try Data("not json".utf8).write(to: bad)
        do { _ = try readJSON(Metrics.self, from: bad); Issue.record("read a bad file") } catch let e as ExperimentError {
            #expect(e.description == "unreadable results file \(bad.path): not valid JSON; delete it to recompute", "\(e)")
        }
        // Writing under a file that is in the way of the folder.
        try Data("x".utf8).write(to: dir.appendingPathComponent("eval"))
        let under = dir.appendingPathComponent("eval").appendingPathComponent("k.json")
        do { try writeJSON(["a": 1], to: under); Issue.record("wrote under a file") } catch let e as FileError {
            #expect(e.description.contains(under.deletingLastPathComponent().path) && !e.description.contains("Domain"), "\(e)")
        }
    }
}

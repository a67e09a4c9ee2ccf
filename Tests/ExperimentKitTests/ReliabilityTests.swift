import AtomicFile
import ExperimentKit
import Foundation
import NPNN
import NPTensor
import Testing

func scratch() -> URL {
    let d = FileManager.default.temporaryDirectory.appendingPathComponent("aenp-kit-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
    return d
}

func deadPID() throws -> Int32 {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/true")
    try p.run()
    p.waitUntilExit()
    return p.processIdentifier
}

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

    @Test func openingARunFolderAndTakingItsLockRemoveStalePartialFiles() throws {
        let store = RunStore(root: scratch(), experiment: "gibbs1d", scale: "quick")
        let dir = store.runDirectory("k")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let dead = try deadPID()
        let a = ".checkpoint.safetensors.partial-\(dead)-1", b = ".train-log.csv.partial-\(dead)-2"
        try Data("x".utf8).write(to: dir.appendingPathComponent(a))
        #expect(try store.openRunFolder("k") == [a])
        try Data("x".utf8).write(to: dir.appendingPathComponent(b))
        let lock = try RunLock(directory: dir)
        lock.unlock()
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

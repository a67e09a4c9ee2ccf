import AtomicFile
import Foundation
import NPNN

/// Results on disk, keyed by configuration: a run's directory name carries a hash of its full
/// configuration (canonical JSON), so a changed value is a new key and never a silent reuse.
///
/// Layout: `<root>/<experiment>/<scale>/runs/<key>/` holds `config.json`, `checkpoint.safetensors`,
/// `train-log.csv` and `DONE` (written last); `<root>/<experiment>/<scale>/eval/<key>.json` holds metrics.
public struct RunStore: Sendable {
    public let root: URL
    public let experiment: String
    public let scale: String
    /// Whether a finished run's checkpoint keeps the optimiser state (needed only to resume, which a finished run
    /// never does). Dropping it makes the committed weights a third of the size (the repository keeps finished
    /// weights only when they are small).
    public let keepsOptimiserStateWhenDone: Bool
    /// The runs of this store trained under an earlier model-spec schema, found by their configuration.
    let legacyRuns = LegacyRunIndex()

    public init(root: URL, experiment: String, scale: String, keepsOptimiserStateWhenDone: Bool = true) {
        self.root = root; self.experiment = experiment; self.scale = scale
        self.keepsOptimiserStateWhenDone = keepsOptimiserStateWhenDone
    }

    public var base: URL { root.appendingPathComponent(experiment).appendingPathComponent(scale) }

    public func runDirectory(_ key: String) -> URL { base.appendingPathComponent("runs").appendingPathComponent(key) }
    public func evalURL(_ key: String) -> URL { base.appendingPathComponent("eval").appendingPathComponent("\(key).json") }
    public func isDone(_ key: String) -> Bool { FileManager.default.fileExists(atPath: runDirectory(key).appendingPathComponent("DONE").path) }

    /// Marks a run complete (atomically, last).
    public func markDone(_ key: String) throws {
        try writeAtomically(Data("done \(ISO8601DateFormatter().string(from: Date()))\n".utf8), to: runDirectory(key).appendingPathComponent("DONE"))
    }
}

/// Sorted-key JSON: the canonical form hashed for cache keys and written as `config.json`. Non-finite numbers
/// (which `JSONEncoder` refuses with `EncodingError.invalidValue`) are written as an explicit `null`; finite values
/// are encoded exactly as `JSONEncoder` does, so files of finite values are byte-identical to before.
public func canonicalJSON<C: Encodable>(_ value: C) throws -> Data {
    let enc = JSONEncoder()
    enc.outputFormatting = [.sortedKeys, .prettyPrinted]
    enc.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: nonFiniteSentinel, negativeInfinity: nonFiniteSentinel,
                                                              nan: nonFiniteSentinel)
    let data = try enc.encode(value)
    let quoted = Data("\"\(nonFiniteSentinel)\"".utf8)
    guard data.range(of: quoted) != nil else { return data }
    var out = Data(capacity: data.count)
    var rest = data[...]
    while let r = rest.range(of: quoted) {
        out.append(rest[rest.startIndex..<r.lowerBound]); out.append(Data("null".utf8))
        rest = rest[r.upperBound...]
    }
    out.append(rest)
    return out
}

/// The string `canonicalJSON` has `JSONEncoder` write for a non-finite number before turning it into `null`.
let nonFiniteSentinel = "__aenp_non_finite_number_7f3a9c__"

/// Reads a JSON file; a missing or unreadable file is a `FileError`, a malformed one an `ExperimentError.corrupt`,
/// both naming the file and the remedy.
public func readJSON<C: Decodable>(_ type: C.Type, from url: URL) throws -> C {
    let data = try readFile(url, remedy: nil)
    do { return try JSONDecoder().decode(type, from: data) } catch let e as DecodingError {
        throw ExperimentError.corrupt("\(url.path): \(shortDescription(e))")
    } catch {
        throw ExperimentError.corrupt("\(url.path): not decodable")
    }
}

/// Writes canonical JSON atomically (non-finite numbers as `null`); failures are `FileError`s naming the file.
public func writeJSON<C: Encodable>(_ value: C, to url: URL) throws {
    let data: Data
    do { data = try canonicalJSON(value) } catch let e as EncodingError {
        throw ExperimentError.unencodable("\(url.path): \(shortDescription(e))")
    }
    try writeAtomically(data, to: url)
}

/// One phrase for a decoding error: what was wrong and where (the coding path), without the error's dump.
public func shortDescription(_ e: DecodingError) -> String {
    func at(_ c: DecodingError.Context) -> String {
        let path = c.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        return path.isEmpty ? "" : " at \(path)"
    }
    switch e {
    case .keyNotFound(let k, let c): return "the key \"\(k.stringValue)\" is missing\(at(c))"
    case .typeMismatch(let t, let c): return "expected \(t)\(at(c))"
    case .valueNotFound(let t, let c): return "null where \(t) was expected\(at(c))"
    case .dataCorrupted(let c): return c.codingPath.isEmpty ? "not valid JSON" : "invalid value\(at(c))"
    @unknown default: return "not decodable"
    }
}

/// One phrase for an encoding error.
public func shortDescription(_ e: EncodingError) -> String {
    switch e {
    case .invalidValue(let v, let c):
        let path = c.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        return "cannot encode \(v)" + (path.isEmpty ? "" : " at \(path)")
    @unknown default: return "not encodable"
    }
}

public enum ExperimentError: Error, CustomStringConvertible {
    case corrupt(String)
    case unencodable(String)
    case usage(String)
    public var description: String {
        switch self {
        case .corrupt(let s): return "unreadable results file \(s); delete it to recompute"
        case .unencodable(let s): return "cannot write \(s); nothing was written"
        case .usage(let s): return s
        }
    }
}

/// A run-store inconsistency, naming the run folder and the remedy.
public enum RunStoreError: Error, CustomStringConvertible, Equatable {
    case doneWithoutCheckpoint(folder: String)
    public var description: String {
        switch self {
        case .doneWithoutCheckpoint(let f):
            return "run folder \(f) is marked DONE but has no checkpoint.safetensors; delete the folder to retrain the run"
        }
    }
}

extension RunStore {
    /// The marker of a finished run whose weights the repository does not keep (`dropWeights`).
    static let weightsNotKeptName = "WEIGHTS-NOT-KEPT"

    /// A run's checkpoint file: in the run folder, or — for a run whose weights were not kept — in its `retrained/`
    /// subfolder, where they are trained again when first needed.
    public func checkpointURL(_ key: String) -> URL {
        let dir = runDirectory(key)
        return weightsNotKept(key) ? dir.appendingPathComponent("retrained").appendingPathComponent("checkpoint.safetensors")
                                   : dir.appendingPathComponent("checkpoint.safetensors")
    }

    /// Whether a finished run's weights were dropped (its metrics, log and configuration kept).
    public func weightsNotKept(_ key: String) -> Bool {
        FileManager.default.fileExists(atPath: runDirectory(key).appendingPathComponent(Self.weightsNotKeptName).path)
    }

    /// Whether using the run's model means training: not finished, or finished with weights that were not kept and
    /// have not been trained again yet.
    public func needsTraining(_ key: String) -> Bool {
        !isDone(key) || (weightsNotKept(key) && !FileManager.default.fileExists(atPath: checkpointURL(key).path))
    }

    /// Drops a finished run's weights, keeping everything else (the repository keeps large weights of few runs): the
    /// marker is written first, then the checkpoint removed. Its metrics stay valid; its model, when an output needs
    /// it, is trained again from the same seed and schedule into `retrained/` (the same weights up to float32
    /// rounding when the thread count differs). An unfinished run is refused.
    public func dropWeights(_ key: String) throws {
        guard isDone(key) else { throw ExperimentError.usage("run \(key) is not finished; only a finished run's weights can be dropped") }
        if weightsNotKept(key) { return }
        let checkpoint = runDirectory(key).appendingPathComponent("checkpoint.safetensors")
        try writeAtomically(Data("weights not kept: metrics, log and configuration are; trained again into retrained/ when needed\n".utf8),
                            to: runDirectory(key).appendingPathComponent(Self.weightsNotKeptName))
        if FileManager.default.fileExists(atPath: checkpoint.path) { try FileManager.default.removeItem(at: checkpoint) }
    }

    /// The checkpoint of a finished run; a run marked DONE without one is a `RunStoreError` naming the folder.
    public func finishedCheckpointURL(_ key: String) throws -> URL {
        let url = checkpointURL(key)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw RunStoreError.doneWithoutCheckpoint(folder: runDirectory(key).path)
        }
        return url
    }

    /// Loads a finished run's trained weights into `store`: the checkpoint must exist (`finishedCheckpointURL`) and
    /// pass `Checkpoint.load`'s checks (checksum included); every error names the file or folder and the remedy.
    @discardableResult
    public func loadFinishedRun(_ key: String, into store: ParameterStore) throws -> [String: String] {
        try Checkpoint.load(into: store, optimiser: nil, from: try finishedCheckpointURL(key))
    }
}

func fnv1a(_ data: Data) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in data { h ^= UInt64(b); h = h &* 0x0000_0100_0000_01B3 }
    return h
}

extension String {
    func leftPadded(to n: Int) -> String { count >= n ? self : String(repeating: "0", count: n - count) + self }
}

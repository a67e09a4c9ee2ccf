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

/// Sorted-key JSON: the canonical form hashed for cache keys and written as `config.json`.
public func canonicalJSON<C: Encodable>(_ value: C) throws -> Data {
    let enc = JSONEncoder()
    enc.outputFormatting = [.sortedKeys, .prettyPrinted]
    return try enc.encode(value)
}

/// Reads a JSON file, with a message naming the file when it is missing or malformed.
public func readJSON<C: Decodable>(_ type: C.Type, from url: URL) throws -> C {
    let data: Data
    do { data = try Data(contentsOf: url) } catch { throw ExperimentError.missing(url.path) }
    do { return try JSONDecoder().decode(type, from: data) } catch { throw ExperimentError.corrupt("\(url.path): \(error)") }
}

/// Writes canonical JSON atomically.
public func writeJSON<C: Encodable>(_ value: C, to url: URL) throws {
    try writeAtomically(try canonicalJSON(value), to: url)
}

public enum ExperimentError: Error, CustomStringConvertible {
    case missing(String)
    case corrupt(String)
    case usage(String)
    public var description: String {
        switch self {
        case .missing(let p): return "missing file: \(p)"
        case .corrupt(let s): return "unreadable results file \(s) (delete it to recompute)"
        case .usage(let s): return s
        }
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

import Foundation
import NPTensor

/// Errors from reading or matching a checkpoint; every message says what was wrong and where. `Checkpoint`
/// wraps them in `inFile` so that the message names the file and the remedy (delete the run folder to retrain).
public enum CheckpointError: Error, CustomStringConvertible, Equatable {
    case unreadable(String)
    case corrupt(String)
    case mismatch(String)
    /// The stored checksum of the tensors differs from the one of the tensors read: a damaged file.
    case checksumMismatch(stored: String, computed: String)
    /// The error above, found in the checkpoint at `path`.
    indirect case inFile(path: String, CheckpointError)

    public var description: String {
        switch self {
        case .unreadable(let s): return "cannot read checkpoint: \(s)"
        case .corrupt(let s): return "corrupt checkpoint: \(s)"
        case .mismatch(let s): return "checkpoint does not match the model: \(s)"
        case .checksumMismatch(let stored, let computed):
            return "corrupt checkpoint: its tensors' checksum is \(computed), the file records \(stored) (damaged after it was written)"
        case .inFile(let path, let e):
            let retrain = "delete the run folder \(URL(fileURLWithPath: path).deletingLastPathComponent().path) to retrain it"
            switch e {
            case .unreadable(let s): return "cannot read checkpoint \(path): \(s)"
            case .corrupt(let s): return "corrupt checkpoint \(path): \(s); \(retrain)"
            case .mismatch(let s): return "checkpoint \(path) does not match the model: \(s); \(retrain)"
            case .checksumMismatch(let stored, let computed):
                return "corrupt checkpoint \(path): its tensors' checksum is \(computed), the file records \(stored) (the file was damaged after it was written); \(retrain)"
            case .inFile: return e.description
            }
        }
    }

    /// This error, attributed to the file at `path` (once).
    public func inFile(_ path: String) -> CheckpointError {
        if case .inFile = self { return self }
        return .inFile(path: path, self)
    }
}

/// The safetensors format (as used by PyTorch, JAX and numpy users): an 8-byte little-endian header
/// length N, N bytes of JSON naming each tensor's dtype, shape and byte range within the data section
/// (plus string metadata under `__metadata__`), then the raw little-endian data. Only F32 is written or read.
public enum SafeTensors {
    /// Serialises tensors (written in name order) and metadata.
    public static func encode(_ tensors: [String: Tensor], metadata: [String: String] = [:]) throws -> Data {
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        let names = tensors.keys.sorted()
        for name in names {
            let t = tensors[name]!
            header[name] = ["dtype": "F32", "shape": t.shape, "data_offsets": [offset, offset + 4 * t.count]] as [String: Any]
            offset += 4 * t.count
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while json.count % 8 != 0 { json.append(0x20) }   // pad with spaces so the data section is 8-byte aligned
        var out = Data(capacity: 8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(json)
        for name in names {
            tensors[name]!.scalars.withUnsafeBufferPointer { p in
                // Float's in-memory layout is little-endian on every platform Swift runs this project on.
                out.append(UnsafeBufferPointer(start: UnsafeRawPointer(p.baseAddress!).assumingMemoryBound(to: UInt8.self),
                                               count: p.count * 4))
            }
        }
        return out
    }

    /// Parses a safetensors blob; any inconsistency (truncation, bad JSON, wrong dtype, byte ranges that
    /// overlap, leave gaps or run past the end) throws `CheckpointError.corrupt`.
    public static func decode(_ data: Data) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        guard data.count >= 8 else { throw CheckpointError.corrupt("file is \(data.count) bytes, shorter than the 8-byte header length") }
        let n = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard n <= UInt64(data.count - 8) else { throw CheckpointError.corrupt("header length \(n) exceeds the file size \(data.count) (truncated?)") }
        let headerData = data.subdata(in: 8..<(8 + Int(n)))
        guard let header = try? JSONSerialization.jsonObject(with: headerData) as? [String: Any] else {
            throw CheckpointError.corrupt("header is not a JSON object")
        }
        let dataStart = 8 + Int(n)
        let dataSize = data.count - dataStart
        var metadata: [String: String] = [:]
        var tensors: [String: Tensor] = [:]
        var ranges: [(Int, Int, String)] = []
        for (name, entry) in header {
            if name == "__metadata__" {
                guard let md = entry as? [String: String] else { throw CheckpointError.corrupt("__metadata__ must map strings to strings") }
                metadata = md; continue
            }
            guard let e = entry as? [String: Any], let dtype = e["dtype"] as? String,
                  let shape = e["shape"] as? [Int], let offs = e["data_offsets"] as? [Int], offs.count == 2 else {
                throw CheckpointError.corrupt("entry \(name) lacks dtype, shape or data_offsets")
            }
            guard dtype == "F32" else { throw CheckpointError.corrupt("entry \(name) has dtype \(dtype); only F32 is supported") }
            guard shape.allSatisfy({ $0 >= 0 }), offs[0] >= 0, offs[1] >= offs[0], offs[1] - offs[0] == 4 * shape.reduce(1, *) else {
                throw CheckpointError.corrupt("entry \(name): byte range \(offs) does not fit shape \(shape)")
            }
            guard offs[1] <= dataSize else {
                throw CheckpointError.corrupt("entry \(name) ends at byte \(offs[1]) but the data section has \(dataSize) bytes (truncated?)")
            }
            ranges.append((offs[0], offs[1], name))
            var scalars = [Float](repeating: 0, count: shape.reduce(1, *))
            scalars.withUnsafeMutableBytes { dst in
                data.copyBytes(to: dst.bindMemory(to: UInt8.self), from: (dataStart + offs[0])..<(dataStart + offs[1]))
            }
            tensors[name] = Tensor(shape: shape, scalars: scalars)
        }
        var expected = 0
        for (lo, hi, name) in ranges.sorted(by: { $0.0 < $1.0 }) {
            guard lo == expected else { throw CheckpointError.corrupt("entry \(name) starts at \(lo), expected \(expected) (overlap or gap)") }
            expected = hi
        }
        guard expected == dataSize else { throw CheckpointError.corrupt("data section has \(dataSize) bytes, entries cover \(expected)") }
        return (tensors, metadata)
    }
}

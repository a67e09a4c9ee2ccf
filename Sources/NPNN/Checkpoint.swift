import AtomicFile
import Foundation
import NPTensor

/// A training checkpoint: every parameter (under its own name), the AdamW state (`adamw.m.*`,
/// `adamw.v.*`) and run metadata (`step` and whatever the caller adds), in one safetensors file.
///
/// The metadata also carries `checksumKey`: a checksum of the tensors (names, shapes and bytes), written on save
/// and verified on load, so that a flipped byte in the weights is an error rather than a silently different
/// model. It is a plain string entry, so other safetensors readers (PyTorch's) still open the file; files written
/// before it existed (without the entry) load unverified.
public enum Checkpoint {
    /// The metadata entry holding `checksum(_:)` of the file's tensors.
    public static let checksumKey = "tensors_fnv1a64"

    /// FNV-1a (64 bit) over the tensors in name order: each name's UTF-8 bytes, a 0 byte, the shape (each extent
    /// as 8 little-endian bytes) and the little-endian F32 data; 16 lowercase hex digits. Any single changed byte
    /// changes it (each FNV-1a step is a bijection of the state).
    public static func checksum(_ tensors: [String: Tensor]) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        func eat(_ p: UnsafeRawBufferPointer) { for b in p { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 } }
        for name in tensors.keys.sorted() {
            let t = tensors[name]!
            Array(name.utf8).withUnsafeBytes(eat)
            withUnsafeBytes(of: UInt8(0)) { eat($0) }
            for d in t.shape { withUnsafeBytes(of: UInt64(d).littleEndian) { eat($0) } }
            // Float's in-memory layout is little-endian on every platform Swift runs this project on.
            t.scalars.withUnsafeBytes(eat)
        }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// The safetensors bytes of a checkpoint: `metadata` plus the checksum of `tensors` (replacing any stale one).
    /// Deterministic: the same tensors and metadata give the same bytes.
    public static func encode(_ tensors: [String: Tensor], metadata: [String: String]) throws -> Data {
        var md = metadata
        md[checksumKey] = checksum(tensors)
        return try SafeTensors.encode(tensors, metadata: md)
    }

    /// Reads and verifies a checkpoint file without loading it into a model. Every error is a `CheckpointError`
    /// naming the file (`.inFile`).
    public static func read(_ url: URL) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        let data: Data
        do { data = try readFile(url) } catch let e as FileError {
            let remedy = e.cause == .noSuchFile
                ? "the run folder \(url.deletingLastPathComponent().path) has no checkpoint: delete the folder to retrain the run"
                : e.remedy
            throw CheckpointError.unreadable("\(e.cause.words); \(remedy)").inFile(url.path)
        }
        do {
            let (tensors, metadata) = try SafeTensors.decode(data)
            if let stored = metadata[checksumKey] {
                let computed = checksum(tensors)
                guard stored == computed else { throw CheckpointError.checksumMismatch(stored: stored, computed: computed) }
            }
            return (tensors, metadata)
        } catch let e as CheckpointError {
            throw e.inFile(url.path)
        }
    }

    /// Writes atomically: the file appears complete or not at all.
    public static func save(store: ParameterStore, optimiser: AdamW?, metadata: [String: String] = [:], to url: URL) throws {
        var tensors = store.snapshot()
        var md = metadata
        if let optimiser {
            tensors.merge(optimiser.stateTensors()) { a, _ in a }
            md["adamw.step"] = String(optimiser.step)
        }
        try writeAtomically(try encode(tensors, metadata: md), to: url)
    }

    /// Loads parameters (and optimiser state when given) and returns the metadata. Nothing is changed
    /// unless the whole file is valid (checksum included, when it has one) and matches the model.
    @discardableResult
    public static func load(into store: ParameterStore, optimiser: AdamW?, from url: URL) throws -> [String: String] {
        let (tensors, metadata) = try read(url)
        do {
            let params = tensors.filter { !$0.key.hasPrefix("adamw.") }
            // Validate everything before assigning anything.
            let probe = ParameterStore()
            for (name, p) in store.named { probe.make(name, .zeros(p.shape)) }
            try probe.load(params)
            if let optimiser {
                guard let s = metadata["adamw.step"], let step = Int(s) else {
                    throw CheckpointError.mismatch("the file has no optimiser step (saved without optimiser state?)")
                }
                try AdamW(probe, optimiser.hyper).loadState(tensors, step: step)
                try optimiser.loadState(tensors, step: step)
            }
            try store.load(params)
            return metadata
        } catch let e as CheckpointError {
            throw e.inFile(url.path)
        }
    }
}

import AtomicFile
import Foundation
import NPTensor

/// A training checkpoint: every parameter (under its own name), the AdamW state (`adamw.m.*`,
/// `adamw.v.*`) and run metadata (`step` and whatever the caller adds), in one safetensors file.
public enum Checkpoint {
    /// Writes atomically: the file appears complete or not at all.
    public static func save(store: ParameterStore, optimiser: AdamW?, metadata: [String: String] = [:], to url: URL) throws {
        var tensors = store.snapshot()
        var md = metadata
        if let optimiser {
            tensors.merge(optimiser.stateTensors()) { a, _ in a }
            md["adamw.step"] = String(optimiser.step)
        }
        try writeAtomically(try SafeTensors.encode(tensors, metadata: md), to: url)
    }

    /// Loads parameters (and optimiser state when given) and returns the metadata. Nothing is changed
    /// unless the whole file is valid and matches the model.
    @discardableResult
    public static func load(into store: ParameterStore, optimiser: AdamW?, from url: URL) throws -> [String: String] {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw CheckpointError.unreadable("\(url.path): \(error.localizedDescription)")
        }
        let (tensors, metadata) = try SafeTensors.decode(data)
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
    }
}

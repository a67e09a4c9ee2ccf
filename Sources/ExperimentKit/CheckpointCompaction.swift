import AtomicFile
import Foundation
import NPNN

extension RunStore {
    /// Rewrites a finished run's checkpoint without the AdamW moments (`adamw.*` tensors and the `adamw.step`
    /// entry), keeping the parameters, the training log and the random states: about a third of the size, so that
    /// trained quick-scale runs can be committed. Only for runs marked DONE (they are never resumed); a checkpoint
    /// without optimiser state is left as it is. Returns whether the file was rewritten. A run marked DONE without a
    /// checkpoint, or with a damaged one, is an error naming the folder or file.
    @discardableResult
    public func dropOptimiserState(_ key: String) throws -> Bool {
        guard isDone(key) else { return false }
        let url = try finishedCheckpointURL(key)
        let (tensors, metadata) = try Checkpoint.read(url)   // verified: a damaged file is reported, not rewritten
        guard tensors.keys.contains(where: { $0.hasPrefix("adamw.") }) || metadata["adamw.step"] != nil else { return false }
        // Checkpoint.encode replaces the checksum with the one of the remaining tensors.
        try writeAtomically(try Checkpoint.encode(tensors.filter { !$0.key.hasPrefix("adamw.") },
                                                  metadata: metadata.filter { $0.key != "adamw.step" }), to: url)
        return true
    }
}

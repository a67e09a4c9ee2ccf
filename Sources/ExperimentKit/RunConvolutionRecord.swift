import AtomicFile
import Foundation
import NPTensor

/// A run keeps the convolution arithmetic it started with (`ConvolutionAlgorithms`): the direct methods and the
/// frequency-domain path round differently, so a run resumed or trained again under the other setting would not
/// continue, or reproduce, the same weights. A new run takes the process's setting (`AENP_CONVOLUTION`) and, when
/// it is not `direct`, records it in the file `CONVOLUTIONS` of its folder; a run with progress and no such file
/// was trained with the direct methods (every run made before the setting existed). Training a run — from the start,
/// resumed, or again after its weights were dropped — uses the run's own setting, whatever the process's.
extension RunStore {
    static let convolutionRecordName = "CONVOLUTIONS"

    /// The setting `key` was trained (or started) with: the recorded one, `direct` for a run with progress and no
    /// record, nil for a run that has not started.
    public func convolutionSetting(_ key: String) throws -> ConvolutionAlgorithms? {
        let url = runDirectory(key).appendingPathComponent(Self.convolutionRecordName)
        if let data = FileManager.default.contents(atPath: url.path) {
            let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard let a = ConvolutionAlgorithms(rawValue: text) else {
                throw ExperimentError.corrupt("\(url.path) (it names '\(text)', not one of the convolution settings)")
            }
            return a
        }
        let started = isDone(key) || FileManager.default.fileExists(atPath: checkpointURL(key).path)
        return started ? .direct : nil
    }

    /// The setting to train `key` with: its own if it has started, else `process` (recorded when not `direct`, so
    /// that run folders made under the default look as they always did).
    public func convolutionsForTraining(_ key: String, process: ConvolutionAlgorithms = .process) throws -> ConvolutionAlgorithms {
        if let own = try convolutionSetting(key) { return own }
        if process != .direct {
            try writeAtomically(Data("\(process.rawValue)\n".utf8), to: runDirectory(key).appendingPathComponent(Self.convolutionRecordName))
        }
        return process
    }
}

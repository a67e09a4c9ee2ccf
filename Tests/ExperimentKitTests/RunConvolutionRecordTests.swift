import ExperimentKit
import Foundation
import NPTensor
import Testing

/// A run keeps the convolution setting it started with: a new run takes the process's (recorded when not
/// `direct`), a run that has started (its checkpoint) or finished (its DONE) keeps its own, whatever the process's.
struct RunConvolutionRecordTests {
    func store() -> (RunStore, URL) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("conv-record-\(UUID().uuidString)")
        return (RunStore(root: root, experiment: "x", scale: "ci"), root)
    }

    @Test func aNewRunRecordsFFTAndKeepsIt() throws {
        let (s, root) = store()
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: s.runDirectory("a"), withIntermediateDirectories: true)
        #expect(try s.convolutionSetting("a") == nil)
        #expect(try s.convolutionsForTraining("a", process: .fft) == .fft)
        #expect(try s.convolutionSetting("a") == .fft)
        #expect(try s.convolutionsForTraining("a", process: .direct) == .fft, "resumed under another process setting: its own")
    }

    @Test func aRunWithProgressAndNoRecordWasDirect() throws {
        let (s, root) = store()
        defer { try? FileManager.default.removeItem(at: root) }
        for (key, file) in [("started", "checkpoint.safetensors"), ("finished", "DONE")] {
            try FileManager.default.createDirectory(at: s.runDirectory(key), withIntermediateDirectories: true)
            try Data("x".utf8).write(to: s.runDirectory(key).appendingPathComponent(file))
            #expect(try s.convolutionsForTraining(key, process: .fft) == .direct)
            #expect(!FileManager.default.fileExists(atPath: s.runDirectory(key).appendingPathComponent("CONVOLUTIONS").path))
        }
        // A new run under the default records nothing: folders look as they did before the setting existed.
        try FileManager.default.createDirectory(at: s.runDirectory("new"), withIntermediateDirectories: true)
        #expect(try s.convolutionsForTraining("new", process: .direct) == .direct)
        #expect(try FileManager.default.contentsOfDirectory(atPath: s.runDirectory("new").path).isEmpty)
    }

    @Test func anUnreadableRecordIsAnErrorNamingTheFile() throws {
        let (s, root) = store()
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: s.runDirectory("b"), withIntermediateDirectories: true)
        try Data("winograd\n".utf8).write(to: s.runDirectory("b").appendingPathComponent("CONVOLUTIONS"))
        do { _ = try s.convolutionsForTraining("b"); Issue.record("read an unknown setting") } catch {
            #expect("\(error)".contains("CONVOLUTIONS") && "\(error)".contains("winograd"))
        }
    }
}

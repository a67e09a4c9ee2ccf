import ExperimentCLI
import ExperimentKit
import ExperimentRegistry
import Foundation
import Testing

/// The committed results (`results/`) against the experiments as defined now: every run folder is the run of exactly
/// one configuration the experiments define (found through the model-spec schema it was trained under), and at the
/// scales whose runs are all committed every run is finished. A change that alters a run's configuration, its key or
/// how schema-1 records convert fails here before it retrains anything.
@Suite struct CommittedRunsTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let results = repository.appendingPathComponent("results")

    @Test(arguments: [ScaleName.quick, .standard])
    func everyCommittedRunFolderIsARunOfTheExperiments(_ scale: ScaleName) throws {
        // The experiments' data folders are relative to the working directory, which `swift test` sets to the package.
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("committed-\(UUID().uuidString)")
        for experiment in try ExperimentRegistry.paper.experiments(at: scale, resultsRoot: Self.results, outputRoot: out) {
            let runs = Self.results.appendingPathComponent(experiment.experimentName).appendingPathComponent(scale.rawValue).appendingPathComponent("runs")
            let folders = Set((try? FileManager.default.contentsOfDirectory(atPath: runs.path)) ?? [])
            let status = try experiment.runStatus()
            let keys = status.map(\.key)
            #expect(Set(keys).count == keys.count, "\(experiment.experimentName) \(scale): two runs share a key")
            let unclaimed = folders.subtracting(keys)
            #expect(unclaimed.isEmpty, "\(experiment.experimentName) \(scale): folders no run claims: \(unclaimed.sorted())")
            // Every finished folder is counted finished (trained and evaluated).
            for (key, done, _) in status where FileManager.default.fileExists(atPath: runs.appendingPathComponent(key).appendingPathComponent("DONE").path) {
                #expect(done, "\(experiment.experimentName) \(scale): \(key) is trained but not counted finished")
            }
            if scale == .quick {
                #expect(status.filter { !$0.done }.isEmpty, "\(experiment.experimentName) quick: every run is committed finished")
            }
        }
    }
}

import ExperimentKit
import Foundation
import NPTensor
import NPTraining
import SmokeSim

/// The paper's smoke-plume experiment (Sec. 5.2, App. E.2): simulated 128 × 128 final smoke states, eight models
/// trained on 32 × 32 patches of the training simulations and tested on patches of the test simulations; Table 1's
/// smoke column, Figures 5 and 6, and this package's equivariance-deviation map, per-region table and claims.
/// Every output is built from cached runs and metrics, generating, training or evaluating only what is missing.
public final class SmokeExperiment: Experiment {
    public static let name = "smoke2d"
    public let scale: SmokeScale
    public let plan: SmokeDatasetPlan
    public let context: ExperimentContext
    /// Where the generated data set lives (generated there on first use).
    public let dataDirectory: URL
    /// Simulations generated in parallel when the data set is missing.
    public var generationThreads = ProcessInfo.processInfo.activeProcessorCount

    /// Seed of the fixed evaluation tasks (independent of every training seed).
    static let evaluationSeed: UInt64 = 20_240_520

    public init(scale: SmokeScale, resultsRoot: URL, outputRoot: URL, dataDirectory: URL) {
        self.scale = scale
        plan = SmokeDatasetPlan(scale: scale.data)
        context = ExperimentContext(experiment: Self.name, scaleName: scale.name, resultsRoot: resultsRoot, outputRoot: outputRoot)
        self.dataDirectory = dataDirectory
    }

    public var optionArguments: [String] { ["--data", relativePath(dataDirectory)] }

    // MARK: data

    private var loaded: [SmokeDataScale.Split: SmokeStates] = [:]
    private var fixed: [String: (batches: [TaskBatch], patches: [SmokePatch])] = [:]

    /// Generates the data set if its manifest is missing (intact shards of an interrupted generation are kept).
    public func ensureData() throws {
        let manifest = dataDirectory.appendingPathComponent("manifest.json")
        if FileManager.default.fileExists(atPath: manifest.path) { return }
        say("no data set at \(relativePath(dataDirectory)); generating \(plan.scale.total) simulations with \(generationThreads) thread(s)")
        let report = try SmokeDatasetGenerator.run(plan: plan, directory: dataDirectory, threads: generationThreads) { [quiet] line in
            if !quiet { FileHandle.standardError.write(Data("  \(line)\n".utf8)) }
        }
        say(String(format: "generated the data set in %.1f s", report.seconds))
    }

    /// The final states of one split, divided by the target scale.
    public func states(_ split: SmokeDataScale.Split) throws -> SmokeStates {
        if let s = loaded[split] { return s }
        try ensureData()
        let s = try SmokeStates.load(directory: dataDirectory, plan: plan, split: split)
        loaded[split] = s
        return s
    }

    func trainingSampler() throws -> PatchTaskSampler { PatchTaskSampler(states: try states(.train), targetLimit: scale.trainingTargets) }

    /// The fixed test tasks: patches of the test simulations, every non-context pixel a target.
    public func testSet() throws -> (batches: [TaskBatch], patches: [SmokePatch]) {
        if let s = fixed["test"] { return s }
        let s = PatchTaskSampler(states: try states(.test)).fixedTasks(count: scale.testTasks, seed: Self.evaluationSeed, stream: 1)
        fixed["test"] = s
        return s
    }

    func validationSet() throws -> [TaskBatch] {
        if let s = fixed["validation"] { return s.batches }
        let s = PatchTaskSampler(states: try states(.validation)).fixedTasks(count: scale.validationTasks, seed: Self.evaluationSeed, stream: 2)
        fixed["validation"] = s
        return s.batches
    }

    /// The region of each test task, in test-set order.
    public func testRegions() throws -> [PatchRegion] {
        let test = try states(.test)
        return try testSet().patches.map { p in
            PatchRegion.of(row: p.row, column: p.column, side: 32, size: test.size, obstacle: plan.setup.obstacle,
                           inflowY: plan.setup.inflowY, plume: test.parameters[p.state])
        }
    }

    // MARK: provenance

    public var dataSources: [Provenance.DataSource] {
        let manifest = try? Data(contentsOf: dataDirectory.appendingPathComponent("manifest.json"))
        return [Provenance.DataSource(
            name: "Smoke plumes simulated by SmokeSim (PhiFlow's scheme)", version: SmokeDatasetPlan.version,
            checksum: manifest.map { "manifest.json sha256 " + SHA256.hex($0) },
            detail: "scale \(plan.scale.name): \(plan.scale.train)/\(plan.scale.validation)/\(plan.scale.test) simulations, data-set seed \(plan.scale.seed); 32 × 32 patches, N_c ~ U{10, 250} per batch; \(scale.testTasks) test tasks from seed \(Self.evaluationSeed)")]
    }

    /// What a provenance record states about the experiment's configuration, encoded from the typed values.
    public struct Setting: Encodable {
        var experiment: String
        var scale: SmokeScale
        var plan: SmokeDatasetPlan
    }

    public var setting: Setting { Setting(experiment: Self.name, scale: scale, plan: plan) }
}

import ExperimentKit
import Foundation
import NPModels
import NPTraining
import Testing

/// Runs trained under model-spec schema 1 are found where they are: a folder whose `config.json` (schema 1) holds a
/// configuration is that configuration's run, whatever its name; a folder named by the current schema wins; two
/// folders for one configuration are an error.
@Suite struct LegacyRunKeyTests {
    struct Run: RunConfiguration {
        var label = "convcnp-t"
        var model = ModelSpec.gibbs1D(.convCNPT, preset: .ci)
        var schedule = TrainingSchedule(steps: 10, checkpointEvery: 5, validateEvery: 5)
        var seed: UInt64 = 0
    }

    /// The run's config.json as schema 1 wrote it: the same run with the model as the bag of fields.
    static func schema1Config(_ run: Run) throws -> Data {
        var config = try JSONSerialization.jsonObject(with: try canonicalJSON(run)) as! [String: Any]
        let preset = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(ModelPreset.ci))
        config["model"] = ["kind": "convcnp-t", "preset": preset, "domain": ["lower": [-7], "upper": [7]], "fourierRange": 14,
                           "positionScale": 7, "dropoutTNP": 0.5, "dropoutConvCNP": 0.1, "dropoutEquivCNP": 0.1, "dropoutRelaxed": 0.5,
                           "gridPlacement": "perTask"] as [String: Any]
        return try JSONSerialization.data(withJSONObject: config, options: [.sortedKeys])
    }

    static func folder(_ store: RunStore, _ name: String, config: Data) throws {
        let dir = store.runDirectory(name)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try config.write(to: dir.appendingPathComponent("config.json"))
    }

    @Test func aSchemaOneFolderIsItsConfigurationsRun() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("legacy-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let store = RunStore(root: root, experiment: "x", scale: "ci")
        let run = Run(), current = try store.schemaKey(run)
        #expect(try store.key(run) == current, "nothing on disk: the current key")

        // Another run's folder and an unreadable one are not taken for it.
        var other = run; other.seed = 1
        try Self.folder(store, "convcnp-t-aaaaaaaaaaaa", config: try Self.schema1Config(other))
        try Self.folder(store, "convcnp-t-bbbbbbbbbbbb", config: Data("{".utf8))
        #expect(try store.key(run) == current)

        try Self.folder(store, "convcnp-t-0123456789ab", config: try Self.schema1Config(run))
        #expect(try RunStore(root: root, experiment: "x", scale: "ci").key(run) == "convcnp-t-0123456789ab")
        #expect(try store.key(run) == "convcnp-t-0123456789ab", "a store that looked before finds a folder made since")
        #expect(try store.key(other) == "convcnp-t-aaaaaaaaaaaa")

        // Two folders for one configuration: an error naming both.
        try Self.folder(store, "convcnp-t-fedcba987654", config: try Self.schema1Config(run))
        #expect(throws: ExperimentError.self) { try RunStore(root: root, experiment: "x", scale: "ci").key(run) }

        // A folder with the current key is the run, whatever else is there.
        try Self.folder(store, current, config: try canonicalJSON(run))
        #expect(try store.key(run) == current)
    }
}

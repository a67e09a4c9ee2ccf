import Foundation
import NPModels
import NPNN
import NPTensor
import NPTraining

/// What a run trains on: the sampler of its training batches and its validation tasks (made only when the run
/// actually trains).
public struct TrainingData {
    public var validation: () throws -> [TaskBatch]
    public var sampleBatch: (inout RandomGenerator) -> TaskBatch
    public init(validation: @escaping () throws -> [TaskBatch], sampleBatch: @escaping (inout RandomGenerator) -> TaskBatch) {
        self.validation = validation; self.sampleBatch = sampleBatch
    }
}

/// One experiment of the paper, as a definition of what is particular to it: its runs, what a run trains on,
/// how a trained model becomes metrics, and its outputs. Everything else (the run store, training and resuming
/// under a lock, cached metrics, seed replicates, provenance, writing tables and figures, the command line) is
/// the harness's, the same for every experiment (`Experiment+Runs.swift`, `OutputWriting.swift`, and the
/// generic command of `ExperimentCLI`).
public protocol Experiment: PaperExperiment {
    /// A training run's full configuration (hashed into its cache key).
    associatedtype Run: RunConfiguration
    /// A trained run's metrics, cached as `eval/<key>.json`.
    associatedtype Metrics: Codable
    /// What a provenance record states about the experiment's configuration.
    associatedtype Setting: Encodable

    /// The experiment's name: its command, its results folder and its outputs' suffix.
    static var name: String { get }
    var context: ExperimentContext { get }

    /// Every training run its outputs need at this scale.
    func allRuns() throws -> [Run]
    /// How many training seeds the runs of `run`'s model get (1: the run alone).
    func seedReplicates(of run: Run) -> Int
    /// What `run` trains on.
    func trainingData(for run: Run) throws -> TrainingData
    /// The metrics of a trained model (`key` names the run).
    func evaluate(_ run: Run, model: NeuralProcess, key: String) throws -> Metrics
    /// Whether cached metrics are of the current version and test sets (else they are recomputed, never retrained).
    func isCurrent(_ metrics: Metrics) -> Bool
    /// Every test set's per-task scores (name, values), checked for non-finite values before metrics are cached.
    func perTaskScores(_ metrics: Metrics) -> [(name: String, values: [Double])]
    /// The command-line arguments that select `run` (`--model …`, `--seed …`), for the `runs` listing.
    func arguments(selecting run: Run) -> [String]
    /// The experiment's own command-line options with their values (`--kernel …`, `--data …`), for the `runs` listing.
    var optionArguments: [String] { get }
    /// Every output, each with its build step, in the order `all` builds them.
    var outputDefinitions: [ExperimentOutput<Self>] { get }
    var setting: Setting { get }
    var dataSources: [Provenance.DataSource] { get }
}

extension Experiment {
    public var experimentName: String { Self.name }
    public var outputRoot: URL { context.outputRoot }
    public var store: RunStore { context.store }
    public var quiet: Bool {
        get { context.quiet }
        set { context.quiet = newValue }
    }
    public var figuresDirectory: URL { context.figuresDirectory }
    public var tablesDirectory: URL { context.tablesDirectory }
    public func say(_ message: String) { context.say(message) }
    public func relativePath(_ url: URL) -> String { context.relativePath(url) }

    public func seedReplicates(of run: Run) -> Int { 1 }
    public func perTaskScores(_ metrics: Metrics) -> [(name: String, values: [Double])] { [] }
    public var optionArguments: [String] { [] }
}

import NPModels
import NPTraining

/// What the data of a `ModelRun` are, as part of its cache key, and how such runs are labelled.
public protocol RunDataSetting: Codable, Sendable, Equatable {
    /// The folder-name prefix of a run on these data (its key is this label and a hash).
    static func label(of run: ModelRun<Self>) -> String
}

/// A training run made of a model, a training schedule, the experiment's data setting and a seed: everything that
/// determines it, so its canonical JSON is hashed into the run's cache key.
public struct ModelRun<Data: RunDataSetting>: RunConfiguration {
    public var experiment: String
    /// Bumped when the data or the tasks change in a way that invalidates results.
    public var dataVersion: Int
    public var model: ModelSpec
    public var schedule: TrainingSchedule
    public var data: Data
    public var seed: UInt64

    public init(experiment: String, dataVersion: Int = 1, model: ModelSpec, schedule: TrainingSchedule, data: Data, seed: UInt64) {
        self.experiment = experiment; self.dataVersion = dataVersion; self.model = model; self.schedule = schedule
        self.data = data; self.seed = seed
    }

    public var label: String { Data.label(of: self) }

    /// B as built (so that "default" and its explicit value share a key).
    public var fixedInputCount: Int { model.resolvedFixedInputCount }

    /// Whether B is a free choice of this model (`--fixed-inputs`).
    public var takesFixedInputCount: Bool { model.kind.takesFixedInputCount }

    /// `<kind>[-B<count>]`, then `-seed<n>` for seeds other than 0: the label of most runs.
    public var kindLabel: String {
        (takesFixedInputCount ? "\(model.kind.rawValue)-B\(fixedInputCount)" : model.kind.rawValue)
    }
    public var seedSuffix: String { seed == 0 ? "" : "-seed\(seed)" }
}

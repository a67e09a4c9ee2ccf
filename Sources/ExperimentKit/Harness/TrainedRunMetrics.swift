import NPModels
import NPTraining

/// What an experiment with in- and out-of-distribution test sets records of a trained run, written as
/// `eval/<key>.json`: the summary scores, the equivariance deviation of approximately equivariant models, and every
/// test task's own score (`PerTask`, in the test sets' fixed order) for paired comparisons.
public struct TrainedRunMetrics<PerTask: Codable & Sendable>: Codable, Sendable {
    /// The experiment's metrics version; files of another version are recomputed from the trained weights.
    public var version: Int
    public var key: String
    public var model: ModelKind
    /// The task dimension, where an experiment has several (nil: the experiment has one).
    public var dimension: Int?
    public var fixedInputs: Int
    public var steps: Int
    public var trainingSeconds: Double
    public var inDistribution: Estimate
    public var outOfDistribution: Estimate
    /// The in-distribution test tasks with the context set as the target set.
    public var contextSet: Estimate
    /// Approximately equivariant models: in distribution with the fixed inputs zeroed.
    public var inDistributionEquivariantComponent: Estimate?
    /// Approximately equivariant models: Δequiv, how far the predictions move when the fixed inputs are zeroed.
    public var deviation: Evaluation.Deviation?
    public var perTask: PerTask

    public init(version: Int, key: String, model: ModelKind, dimension: Int? = nil, fixedInputs: Int, steps: Int, trainingSeconds: Double,
                inDistribution: Estimate, outOfDistribution: Estimate, contextSet: Estimate, inDistributionEquivariantComponent: Estimate?,
                deviation: Evaluation.Deviation?, perTask: PerTask) {
        self.version = version; self.key = key; self.model = model; self.dimension = dimension; self.fixedInputs = fixedInputs
        self.steps = steps; self.trainingSeconds = trainingSeconds; self.inDistribution = inDistribution
        self.outOfDistribution = outOfDistribution; self.contextSet = contextSet
        self.inDistributionEquivariantComponent = inDistributionEquivariantComponent; self.deviation = deviation; self.perTask = perTask
    }
}

import NPTensor
import StationData

/// Context/target splits of station tasks (Docs/station-data.md §5.5) and padded batches of them: every task keeps its own
/// size and N_c ~ U{max(1, ⌊N/100⌋), ⌊N/3⌋}; `TaskBatch(padding:)` masks the padding.
public enum StationTaskSampling {
    /// The points at `context` and `target` of one task as a `SingleTask` (inputs [n, dx], targets [n, 1]).
    public static func singleTask(_ a: StationTaskArrays, context: [Int], target: [Int]) -> SingleTask {
        let c = a.subset(context), t = a.subset(target)
        return SingleTask(xc: Tensor(shape: [c.count, a.dimension], scalars: c.inputs), yc: Tensor(shape: [c.count, 1], scalars: c.targets),
                          xt: Tensor(shape: [t.count, a.dimension], scalars: t.inputs), yt: Tensor(shape: [t.count, 1], scalars: t.targets))
    }

    /// A random split of one task by the context-size rule.
    public static func draw(_ a: StationTaskArrays, using rng: inout RandomGenerator) -> SingleTask {
        let (c, t) = ContextSizeRule.drawSplit(pointCount: a.count, using: &rng)
        return singleTask(a, context: c, target: t)
    }

    /// A training batch: `size` tasks drawn with replacement from the material, each split afresh.
    public static func trainingBatch(_ material: [StationTaskArrays], size: Int, using rng: inout RandomGenerator) -> TaskBatch {
        precondition(!material.isEmpty, "no task material to sample from")
        return TaskBatch(padding: (0..<size).map { _ in draw(material[rng.integer(in: 0...(material.count - 1))], using: &rng) })
    }

    /// The cluster of a task for the month-clustered standard errors: its month (2-D) or, for the overlapping
    /// four-month windows of the 4-D tasks, the calendar year the window starts in.
    public static func cluster(_ a: StationTaskArrays) -> Int {
        a.dimension == 2 ? a.monthIndices[0] : a.monthIndices[0] / 12
    }
}

/// A fixed-seed test (or validation) set: batches of 16 tasks and, for every task in batch order, the material
/// item it was split from and its cluster.
public struct StationTestSet: Sendable {
    public var batches: [TaskBatch]
    public var items: [Int]
    public var clusters: [Int]
    public var taskCount: Int { items.count }

    /// `splits` context/target splits of every `stride`-th item of the material, drawn from a fixed random stream.
    public init(_ material: [StationTaskArrays], splits: Int, stride: Int = 1, seed: UInt64, stream: UInt64, batchSize: Int = 16) {
        var rng = RandomGenerator(seed: seed, stream: stream)
        var tasks: [SingleTask] = [], items: [Int] = [], clusters: [Int] = []
        for i in Swift.stride(from: 0, to: material.count, by: max(1, stride)) {
            for _ in 0..<splits {
                tasks.append(StationTaskSampling.draw(material[i], using: &rng))
                items.append(i)
                clusters.append(StationTaskSampling.cluster(material[i]))
            }
        }
        batches = Swift.stride(from: 0, to: tasks.count, by: batchSize).map { TaskBatch(padding: Array(tasks[$0..<min($0 + batchSize, tasks.count)])) }
        self.items = items
        self.clusters = clusters
    }

    /// `count` tasks from items drawn uniformly with replacement (the validation set over the training months).
    public init(_ material: [StationTaskArrays], count: Int, seed: UInt64, stream: UInt64, batchSize: Int = 16) {
        var rng = RandomGenerator(seed: seed, stream: stream)
        var tasks: [SingleTask] = [], items: [Int] = []
        for _ in 0..<count {
            let i = rng.integer(in: 0...(material.count - 1))
            tasks.append(StationTaskSampling.draw(material[i], using: &rng))
            items.append(i)
        }
        batches = Swift.stride(from: 0, to: tasks.count, by: batchSize).map { TaskBatch(padding: Array(tasks[$0..<min($0 + batchSize, tasks.count)])) }
        self.items = items
        clusters = items.map { StationTaskSampling.cluster(material[$0]) }
    }
}

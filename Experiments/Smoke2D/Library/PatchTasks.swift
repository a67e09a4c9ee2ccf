import NPModels
import NPTensor
import SmokeSim

/// One task of the smoke experiment (Docs/paper-spec.md §7.2): a `side × side` patch of one final state, some of its pixels
/// as the context, others as targets. Pixel p of the patch is row p / side, column p % side.
public struct SmokePatch: Codable, Sendable, Equatable {
    /// The state (index into `SmokeStates`).
    public var state: Int
    /// The patch's lowest row and leftmost column in the frame.
    public var row: Int
    public var column: Int
    public var context: [Int]
    public var targets: [Int]
}

/// Cuts tasks from smoke states: uniformly placed patches, N_c ~ U{10, …, 250} drawn once per batch (the authors'
/// code; Docs/paper-spec.md §6), the context pixels uniformly without replacement, the other pixels the targets (or a random
/// subset of `targetLimit` of them, for cheaper training steps). x = the pixel's standardised coordinates
/// (column, row) in the whole frame (Docs/paper-spec.md A7), so a patch knows where it is; y = smoke / target scale.
public struct PatchTaskSampler: Sendable {
    public let states: SmokeStates
    public let lattice: PixelLattice
    public var side = 32
    public var contextCounts: ClosedRange<Int> = 10...250
    public var targetLimit: Int?

    public init(states: SmokeStates, targetLimit: Int? = nil) {
        self.states = states; self.targetLimit = targetLimit
        lattice = Self.lattice(frame: states.size)
    }

    /// The pixel lattice of a square frame: standardised pixel coordinates, the same scale on both axes.
    public static func lattice(frame n: Int) -> PixelLattice { .standardisedFrame(size: [n, n]) }

    /// `count` patches sharing one context size `contextCount`.
    public func patches(count: Int, contextCount: Int, using rng: inout RandomGenerator) -> [SmokePatch] {
        let pixels = side * side, positions = states.size - side
        return (0..<count).map { _ in
            let state = rng.integer(in: 0...(states.count - 1))
            let row = rng.integer(in: 0...positions), column = rng.integer(in: 0...positions)
            var order = Array(0..<pixels)
            // Partial Fisher–Yates: the first draws are the context, the next ones the (sub-sampled) targets.
            let wanted = min(pixels, contextCount + (targetLimit ?? pixels))
            for i in 0..<wanted {
                let j = rng.integer(in: i...(pixels - 1))
                order.swapAt(i, j)
            }
            return SmokePatch(state: state, row: row, column: column, context: Array(order[0..<contextCount]),
                              targets: Array(order[contextCount..<wanted]))
        }
    }

    /// A training or test batch: N_c drawn once, then `tasks` patches.
    public func sampleBatch(tasks: Int, using rng: inout RandomGenerator) -> (batch: TaskBatch, patches: [SmokePatch]) {
        let nc = rng.integer(in: contextCounts)
        let p = patches(count: tasks, contextCount: nc, using: &rng)
        return (batch(p), p)
    }

    /// The frame pixel (row, column) of patch pixel `p`.
    public func framePixel(_ patch: SmokePatch, _ p: Int) -> (row: Int, column: Int) { (patch.row + p / side, patch.column + p % side) }

    /// x [n, 2] (column, row coordinates) and y [n, 1] of the given patch pixels.
    public func points(_ patch: SmokePatch, _ pixels: [Int]) -> (x: Tensor, y: Tensor) {
        var x: [Float] = [], y: [Float] = []
        x.reserveCapacity(2 * pixels.count); y.reserveCapacity(pixels.count)
        for p in pixels {
            let (r, c) = framePixel(patch, p)
            x += lattice.position([c, r])
            y.append(states.value(patch.state, row: r, column: c))
        }
        return (Tensor(shape: [pixels.count, 2], scalars: x), Tensor(shape: [pixels.count, 1], scalars: y))
    }

    public func task(_ patch: SmokePatch) -> SingleTask {
        let c = points(patch, patch.context), t = points(patch, patch.targets)
        return SingleTask(xc: c.x, yc: c.y, xt: t.x, yt: t.y)
    }

    /// Patches as one batch (padded with masks where their sizes differ).
    public func batch(_ patches: [SmokePatch]) -> TaskBatch { TaskBatch(padding: patches.map(task)) }

    /// Fixed tasks from a seed: `count / 16` batches of 16, each with its own N_c.
    public func fixedTasks(count: Int, seed: UInt64, stream: UInt64) -> (batches: [TaskBatch], patches: [SmokePatch]) {
        var rng = RandomGenerator(seed: seed, stream: stream)
        var batches: [TaskBatch] = [], all: [SmokePatch] = []
        for _ in 0..<max(1, count / 16) {
            let (b, p) = sampleBatch(tasks: 16, using: &rng)
            batches.append(b); all += p
        }
        return (batches, all)
    }
}

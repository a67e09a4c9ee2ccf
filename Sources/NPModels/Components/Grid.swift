import NPAutodiff
import NPTensor

// Shapes: m tasks, G = ∏ sᵢ grid points, dx input dimensions, c channels. A grid's values are stored flat,
// [m, G, c], with the last input dimension varying fastest; `spatialShape` gives the [m, s₁, …, s_dx, c] view.

/// The discretisation of a batch of tasks in any input dimension: along dimension i, the points
/// (startᵢ + j·stepᵢ) / ppuᵢ for j = 0 … sᵢ − 1, lattice coordinates in units of 1/ppuᵢ.
///
/// A grid covering data runs from ⌊(min − margin)·ppu⌋ to ⌈(max + margin)·ppu⌉ per dimension, min and max over
/// every real (unmasked) context and target input of the batch, so it lies on the fixed lattice ℤ/ppu:
/// shifting every input by a multiple of 1/ppu shifts the grid by whole points (exact translation equivariance
/// for such shifts), and the lattice is symmetric under x ↦ −x and, with equal ppu on two axes, under the
/// 90° rotations of their plane. `multipleOf` pads each size up to a multiple of 2^k so that a U-Net can pool
/// k times; the extra points go ⌊extra/2⌋ before and the rest after, which keeps translation equivariance
/// but makes reflection and rotation equivariance exact only when no padding was needed.
public struct Grid: Sendable, Equatable {
    public let pointsPerUnit: [Float]
    /// Lattice coordinate of the first point along each dimension (a half-integer after pooling).
    public let start: [Double]
    /// Lattice spacing between neighbours along each dimension (1, then 2, 4, … after pooling).
    public let step: [Double]
    /// Points along each dimension.
    public let shape: [Int]
    /// Gridded data: task b's grid is this grid moved by `taskShifts[b]` lattice units (each task its own patch
    /// of the pixel lattice, one shape for the batch). nil: every task shares the grid.
    public let taskShifts: [[Double]]?

    public init(pointsPerUnit: [Float], start: [Double], step: [Double], shape: [Int], taskShifts: [[Double]]? = nil) {
        require(pointsPerUnit.count == start.count && start.count == step.count && step.count == shape.count,
                "grid parameters of different dimensions")
        require(shape.allSatisfy { $0 >= 1 }, "a grid needs at least one point per dimension, got \(shape)")
        require(taskShifts?.allSatisfy { $0.count == shape.count } ?? true, "task shifts of a different dimension than the grid")
        self.pointsPerUnit = pointsPerUnit; self.start = start; self.step = step; self.shape = shape; self.taskShifts = taskShifts
    }

    /// The grid covering every real point of `xs` (each `[m, n, dx]`, with optional `[m, n]` masks).
    public init(covering xs: [(points: Tensor, mask: Tensor?)], pointsPerUnit ppu: [Float], margin: Float, multipleOf: Int = 1) {
        require(multipleOf >= 1, "multipleOf must be positive")
        // The union of the tasks' lattice ranges: rounding is monotone, so this is the range of the batch's extremes.
        let ranges = Self.taskLatticeRanges(xs, pointsPerUnit: ppu, margin: margin).compactMap { $0 }
        require(!ranges.isEmpty, "a grid needs at least one finite real input")
        var start = [Double](), shape = [Int]()
        for d in 0..<ppu.count {
            let a = ranges.map { $0.first[d] }.min()!, b = ranges.map { $0.last[d] }.max()!
            let n = b - a + 1
            let padded = (n + multipleOf - 1) / multipleOf * multipleOf
            start.append(Double(a - (padded - n) / 2)); shape.append(padded)
        }
        self.init(pointsPerUnit: ppu, start: start, step: .init(repeating: 1, count: ppu.count), shape: shape)
    }

    /// Per-task grids: each task's own lattice range ⌊(minᵦ − margin)·ppu⌋ … ⌈(maxᵦ + margin)·ppu⌉ over its real
    /// context and target inputs, one point count for the batch (the largest range, padded up to `multipleOf`),
    /// each task's range padded *symmetrically* to that count: eᵦ extra points put eᵦ/2 before and eᵦ/2 after,
    /// so a task's grid starts at a half-integer lattice coordinate when eᵦ is odd. Shifting a task by a multiple
    /// of 1/ppu shifts its grid with it and reflecting it (x ↦ −x) reflects its grid point for point, at any
    /// padding: exact translation and reflection equivariance task by task. A batch of tasks spread over a wide
    /// range (the 1-D centres in [−7, 7]) needs only as many points as one task's reach, not the whole batch's.
    public init(coveringEachTask xs: [(points: Tensor, mask: Tensor?)], pointsPerUnit ppu: [Float], margin: Float, multipleOf: Int = 1) {
        let dx = ppu.count
        require(multipleOf >= 1, "multipleOf must be positive")
        let ranges = Self.taskLatticeRanges(xs, pointsPerUnit: ppu, margin: margin).map { r -> (first: [Int], last: [Int]) in
            require(r != nil, "every task needs at least one finite real input for its grid")
            return r!
        }
        let counts: [[Int]] = ranges.map { r in (0..<dx).map { r.last[$0] - r.first[$0] + 1 } }
        let shape: [Int] = (0..<dx).map { d in
            let n = counts.map { $0[d] }.max()!
            return (n + multipleOf - 1) / multipleOf * multipleOf
        }
        let shifts: [[Double]] = ranges.indices.map { b in
            (0..<dx).map { d in Double(ranges[b].first[d]) - Double(shape[d] - counts[b][d]) / 2 }
        }
        self.init(pointsPerUnit: ppu, start: .init(repeating: 0, count: dx), step: .init(repeating: 1, count: dx), shape: shape,
                  taskShifts: shifts)
    }

    /// Each task's lattice range ⌊(min − margin)·ppu⌋ … ⌈(max + margin)·ppu⌉ per dimension over its real (unmasked)
    /// inputs in every `[m, n, dx]` tensor of `xs`; nil for a task without a finite real input. The products are
    /// rounded in Double so that lattice-aligned shifts give exactly shifted indices.
    static func taskLatticeRanges(_ xs: [(points: Tensor, mask: Tensor?)], pointsPerUnit ppu: [Float],
                                  margin: Float) -> [(first: [Int], last: [Int])?] {
        let dx = ppu.count
        require(!xs.isEmpty, "a grid needs inputs to cover")
        let m = xs[0].points.shape[0]
        var lo = [[Float]](repeating: .init(repeating: .infinity, count: dx), count: m)
        var hi = [[Float]](repeating: .init(repeating: -.infinity, count: dx), count: m)
        var real = [Bool](repeating: false, count: m)
        for (x, mask) in xs {
            require(x.rank == 3 && x.shape[2] == dx && x.shape[0] == m, "a grid of dimension \(dx) for \(m) tasks covering inputs of shape \(x.shape)")
            let n = x.shape[1]
            for b in 0..<m { for i in 0..<n where mask == nil || mask!.scalars[b * n + i] != 0 {
                real[b] = true
                for d in 0..<dx { let v = x.scalars[(b * n + i) * dx + d]; lo[b][d] = min(lo[b][d], v); hi[b][d] = max(hi[b][d], v) }
            } }
        }
        return (0..<m).map { b in
            guard real[b] else { return nil }
            require(lo[b].allSatisfy(\.isFinite) && hi[b].allSatisfy(\.isFinite), "task \(b) has a non-finite real input")
            return ((0..<dx).map { Int((Double(lo[b][$0] - margin) * Double(ppu[$0])).rounded(.down)) },
                    (0..<dx).map { Int((Double(hi[b][$0] + margin) * Double(ppu[$0])).rounded(.up)) })
        }
    }

    public var dimension: Int { shape.count }
    /// Total number of points, ∏ sᵢ.
    public var count: Int { shape.reduce(1, *) }

    /// The position of point j along dimension d (of the grid before any task shift).
    public func coordinate(_ j: Int, dimension d: Int) -> Float {
        Float((start[d] + Double(j) * step[d]) / Double(pointsPerUnit[d]))
    }

    /// Every point's position for every task (moved by the task's shift, if any): [m, G, dx], last dimension fastest.
    public func positions(tasks m: Int) -> Tensor {
        let dx = dimension, g = count
        let strides = stridesOf(shape)
        var one = [Float](repeating: 0, count: g * dx)
        guard let taskShifts else {
            for p in 0..<g { for d in 0..<dx { one[p * dx + d] = coordinate((p / strides[d]) % shape[d], dimension: d) } }
            return Tensor(shape: [m, g, dx], scalars: Array((0..<m).map { _ in one }.joined()))
        }
        require(taskShifts.count == m, "a grid with \(taskShifts.count) task shifts asked for \(m) tasks")
        var all = [Float](repeating: 0, count: m * g * dx)
        for b in 0..<m { for p in 0..<g { for d in 0..<dx {
            let j = Double((p / strides[d]) % shape[d])
            all[(b * g + p) * dx + d] = Float((start[d] + taskShifts[b][d] + j * step[d]) / Double(pointsPerUnit[d]))
        } } }
        return Tensor(shape: [m, g, dx], scalars: all)
    }

    /// The grid a `factor`-fold pooling produces: each new point at the centre of the `factor`^dx block it
    /// summarises. Every size must be divisible by `factor`.
    public func pooled(by factor: Int) -> Grid {
        require(shape.allSatisfy { $0 % factor == 0 }, "grid \(shape) cannot be pooled by \(factor)")
        return Grid(pointsPerUnit: pointsPerUnit,
                    start: zip(start, step).map { $0 + Double(factor - 1) / 2 * $1 },
                    step: step.map { $0 * Double(factor) }, shape: shape.map { $0 / factor }, taskShifts: taskShifts)
    }

    /// The channels-last spatial shape of a flat `[m, G, c]` grid: `[m, s₁, …, s_dx, c]`.
    public func spatialShape(tasks m: Int, channels c: Int) -> [Int] { [m] + shape + [c] }

    /// `[m, G, c]` → `[m, s₁, …, s_dx, c]` (a reshape: the flat layout is already row-major over the grid).
    public func spatial(_ tape: Tape, _ z: Variable) -> Variable {
        require(z.shape.count == 3 && z.shape[1] == count, "flat grid values must be [m, \(count), c], got \(z.shape)")
        return tape.reshape(z, spatialShape(tasks: z.shape[0], channels: z.shape[2]))
    }

    /// `[m, s₁, …, s_dx, c]` → `[m, G, c]`.
    public func flat(_ tape: Tape, _ z: Variable) -> Variable {
        require(Array(z.shape.dropFirst().dropLast()) == shape, "spatial grid values must be [m, \(shape), c], got \(z.shape)")
        return tape.reshape(z, [z.shape[0], count, z.shape.last!])
    }
}

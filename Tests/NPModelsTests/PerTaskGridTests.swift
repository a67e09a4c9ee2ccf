import NPAutodiff
import NPModels
import NPTensor
import NPTestSupport
import Testing

/// Per-task SetConv grids (`Grid(coveringEachTask:)`, `GridPlacement.perTask`): each task's own range, one point
/// count, symmetric padding, hence exact translation and reflection equivariance task by task.
@Suite struct PerTaskGridTests {
    /// Three 1-D tasks far apart and of different reaches, so that their paddings differ in parity.
    static func spreadBatch(seed: UInt64 = 21) -> TaskBatch {
        var rng = RandomGenerator(seed: seed)
        let ranges: [ClosedRange<Float>] = [-7.3 ... -3.1, 2.05 ... 8.4, 10.0 ... 11.13]
        let tasks = ranges.enumerated().map { i, r -> SingleTask in
            let nc = 3 + 2 * i, nt = 5 + i
            let xc = rng.uniformTensor([nc, 1], low: r.lowerBound, high: r.upperBound)
            let xt = rng.uniformTensor([nt, 1], low: r.lowerBound, high: r.upperBound)
            return SingleTask(xc: xc, yc: rng.normalTensor([nc, 1]), xt: xt, yt: rng.normalTensor([nt, 1]))
        }
        return TaskBatch(padding: tasks)
    }

    static func grid(_ b: TaskBatch, ppu: Float = 8, multipleOf: Int = 1) -> Grid {
        Grid(coveringEachTask: [(b.xc, b.contextMask), (b.xt, nil)], pointsPerUnit: [ppu], margin: 0.1, multipleOf: multipleOf)
    }

    /// Real (unmasked) inputs of task `t`.
    static func realInputs(_ b: TaskBatch, task t: Int) -> [Float] {
        let nc = b.xc.shape[1], nt = b.xt.shape[1]
        let context = (0..<nc).filter { b.contextMask?.scalars[t * nc + $0] ?? 1 != 0 }.map { b.xc.scalars[t * nc + $0] }
        return context + (0..<nt).map { b.xt.scalars[t * nt + $0] }
    }

    @Test func eachTaskGetsItsOwnRangeWithOneCommonPointCount() {
        let b = Self.spreadBatch()
        let g = Self.grid(b)
        let p = g.positions(tasks: 3)
        let n = g.shape[0]
        // The widest task spans ~6.35 units at 8 points per unit: ~52 points, not the ~150 a batch-wide grid needs.
        let batchGrid = Grid(covering: [(b.xc, b.contextMask), (b.xt, nil)], pointsPerUnit: [8], margin: 0.1)
        #expect(n < 60 && batchGrid.shape[0] > 120, "per task \(n) points, batch \(batchGrid.shape[0])")
        for t in 0..<3 {
            let xs = Self.realInputs(b, task: t)
            let first = p.scalars[t * n], last = p.scalars[t * n + n - 1]
            #expect(first <= xs.min()! - 0.1 + 1e-5 && last >= xs.max()! + 0.1 - 1e-5, "task \(t) not covered")
            // Spacing 1/ppu, and the padding split evenly: the grid's centre is the centre of the task's lattice range.
            for j in 1..<n { #expect(abs(p.scalars[t * n + j] - p.scalars[t * n + j - 1] - 0.125) < 1e-5) }
            let lo = (Double(xs.min()! - 0.1) * 8).rounded(.down), hi = (Double(xs.max()! + 0.1) * 8).rounded(.up)
            #expect(abs(Double(first + last) / 2 - (lo + hi) / 16) < 1e-5)
        }
    }

    /// A task padded by an odd count sits half a point off ℤ/ppu, centred on its own range.
    @Test func oddPaddingCentresTheGridHalfAPointOffTheLattice() {
        // Lattice ranges at 8 per unit with margin 0.1: −41 … −23 (19 points), 15 … 21 (7), 79 … 86 (8, padded by 11).
        let ends: [[Float]] = [[-5, -3], [2, 2.5], [10, 10.6]]
        let b = TaskBatch(padding: ends.map { e in
            SingleTask(xc: Tensor(shape: [1, 1], scalars: [e[0]]), yc: .zeros([1, 1]), xt: Tensor(shape: [2, 1], scalars: e), yt: .zeros([2, 1]))
        })
        let g = Self.grid(b)
        #expect(g.shape == [19])
        #expect(g.taskShifts! == [[-41], [9], [73.5]])
    }

    @Test func reflectingTheInputsReflectsEveryTasksGridPointForPoint() {
        let b = Self.spreadBatch()
        let g = Self.grid(b, multipleOf: 4), r = Self.grid(b.transformed(by: .pointReflection(dimension: 1)), multipleOf: 4)
        #expect(g.shape == r.shape)
        let p = g.positions(tasks: 3).scalars, q = r.positions(tasks: 3).scalars, n = g.shape[0]
        for t in 0..<3 { for j in 0..<n { #expect(q[t * n + j] == -p[t * n + n - 1 - j]) } }
    }

    @Test func latticeShiftsMoveEachTasksGridByWholePoints() {
        let b = Self.spreadBatch()
        let g = Self.grid(b), s = Self.grid(b.shifted(by: [1.25]))   // 10 lattice steps at 8 per unit
        #expect(g.shape == s.shape)
        for t in 0..<3 { #expect(s.taskShifts![t][0] == g.taskShifts![t][0] + 10) }
    }

    /// With per-task grids the 1-D EquivCNP stays exactly reflection and translation equivariant on tasks whose
    /// paddings differ in parity (a grid padded ⌊e/2⌋ before and ⌈e/2⌉ after would not be).
    @Test func equivCNPIsExactlyReflectionEquivariantOnSpreadTasks() {
        let b = Self.spreadBatch(seed: 22)
        var rng = RandomGenerator(seed: 3)
        let perTask = ModelSpec.gibbs1D(.equivCNPE, preset: .ci).build(rng: &rng)
        #expect(equivarianceError(perTask, b, .pointReflection(dimension: 1)) < SymmetryTolerance.exact)
        #expect(equivarianceError(perTask, b, .translation([-2.5])) < SymmetryTolerance.exact)
        #expect(permutationError(perTask, b) < SymmetryTolerance.exact)
    }

    /// Per-task grids change only the discretisation: on one task the two placements use the same lattice points
    /// when the task needs no padding, and so the same prediction.
    @Test func oneUnpaddedTaskPredictsTheSameOnEitherPlacement() {
        let single = TaskBatch(padding: [SingleTask(xc: Tensor(shape: [3, 1], scalars: [0.5, 1.0, 2.0]), yc: Tensor(shape: [3, 1], scalars: [0.1, -0.2, 0.3]),
                                                    xt: Tensor(shape: [2, 1], scalars: [0.75, 1.5]), yt: .zeros([2, 1]))])
        var r1 = RandomGenerator(seed: 4), r2 = RandomGenerator(seed: 4)
        let perTask = ModelSpec.gibbs1D(.convCNPT, preset: .ci).build(rng: &r1)
        let batch = ModelSpec.gibbs1D(.convCNPT, preset: .ci, gridPlacement: nil).build(rng: &r2)
        #expect(relativeDifference(outputs(perTask, single), outputs(batch, single)) < 1e-6)
        // …and the 1-D experiment's CNNs are specified with one grid per task.
        guard case .convStack(let stack) = ModelSpec.gibbs1D(.convCNPT, preset: .ci).architecture else { Issue.record("not a ConvStack model"); return }
        #expect(stack.gridPlacement == .perTask)
    }
}

import Foundation
import NPModels
import NPTensor
import SmokeSim
import Testing
@testable import Smoke2D

/// Synthetic states whose value encodes (state, row, column), so that every task value can be traced back.
func codedStates(count: Int = 3, size: Int = 128) -> SmokeStates {
    var v: [Float] = []
    for s in 0..<count { for r in 0..<size { for c in 0..<size { v.append(Float(s * 1_000_000 + r * 1000 + c) / 1e6) } } }
    return SmokeStates(size: size, values: v, parameters: (0..<count).map { _ in PlumeParameters(radius: 10, inflowX: 30, buoyancy: 0.2) },
                       names: (0..<count).map { "s\($0)" })
}

struct PatchTaskTests {
    @Test func tasksAreDisjointPatchPixelsWithTheirFrameValuesAndCoordinates() {
        let states = codedStates()
        let sampler = PatchTaskSampler(states: states)
        var rng = RandomGenerator(seed: 3)
        for _ in 0..<20 {
            let (batch, patches) = sampler.sampleBatch(tasks: 4, using: &rng)
            let nc = patches[0].context.count
            #expect((10...250).contains(nc))
            #expect(batch.contextCount == nc)
            for (i, p) in patches.enumerated() {
                #expect(p.context.count == nc, "N_c is shared by the tasks of a batch")
                #expect(Set(p.context).count == nc)
                #expect(Set(p.context).isDisjoint(with: p.targets))
                #expect((p.context.count + p.targets.count) == 1024, "without a limit every other pixel is a target")
                #expect((0...96).contains(p.row) && (0...96).contains(p.column))
                let task = batch.task(i)
                let pixels = sampler.lattice.pixels(Tensor(shape: [1, nc, 2], scalars: task.xc.scalars))
                for k in 0..<nc {
                    let (col, row) = (pixels[2 * k], pixels[2 * k + 1])
                    #expect((row, col).0 == sampler.framePixel(p, p.context[k]).row)
                    #expect(col == sampler.framePixel(p, p.context[k]).column)
                    #expect(task.yc.scalars[k] == states.value(p.state, row: row, column: col))
                }
            }
        }
    }

    @Test func targetLimitSubsamplesTargets() {
        let sampler = PatchTaskSampler(states: codedStates(), targetLimit: 100)
        var rng = RandomGenerator(seed: 4)
        let patches = sampler.patches(count: 5, contextCount: 950, using: &rng)
        #expect(patches.allSatisfy { $0.targets.count == 74 }, "1024 − 950 targets remain when fewer than the limit")
        let more = sampler.patches(count: 5, contextCount: 20, using: &rng)
        #expect(more.allSatisfy { $0.targets.count == 100 && Set($0.targets).isDisjoint(with: $0.context) })
    }

    @Test func fixedTasksAreReproducibleAndSeedDependent() {
        let sampler = PatchTaskSampler(states: codedStates())
        let a = sampler.fixedTasks(count: 32, seed: 9, stream: 1), b = sampler.fixedTasks(count: 32, seed: 9, stream: 1)
        let c = sampler.fixedTasks(count: 32, seed: 9, stream: 2)
        #expect(a.patches == b.patches)
        #expect(a.batches.map(\.yt.scalars) == b.batches.map(\.yt.scalars))
        #expect(a.patches != c.patches)
        #expect(a.batches.count == 2)
    }

    @Test func frameCoordinatesAreStandardisedAndSymmetric() {
        let lattice = PatchTaskSampler.lattice(frame: 128)
        let corner = lattice.position([0, 0]), far = lattice.position([127, 127])
        #expect(abs(Double(corner[0]) - (-63.5 / (16383.0 / 12).squareRoot())) <= 1e-5)
        #expect(abs(corner[0] - (-far[0])) <= 1e-6)
        #expect(abs(corner[1] - (-far[1])) <= 1e-6)
        // The fixed inputs act on the whole frame: it lies inside the domain box.
        #expect(far.allSatisfy { $0 < 2 } && corner.allSatisfy { $0 > -2 })
        #expect(SmokeExperiment.fixedInputDomain.upper == [2, 2])
    }
}

struct PatchRegionTests {
    let plume = PlumeParameters(radius: 10, inflowX: 30, buoyancy: 0.3)
    func region(_ row: Int, _ column: Int, _ p: PlumeParameters?) -> PatchRegion {
        PatchRegion.of(row: row, column: column, side: 32, size: 128, obstacle: .paper, inflowY: 5, plume: p)
    }

    @Test func regionsFollowTheFramesFeatures() {
        #expect(region(84, 48, plume) == .obstacle, "a patch over the obstacle at (64, 100)")
        #expect(region(60, 64, plume) == .obstacle, "y ∈ [60, 92) overlaps the obstacle, which spans y 90–110")
        #expect(region(40, 40, plume) == .elsewhere, "y ∈ [40, 72), far from obstacle (y ≥ 90), inflow and walls")
        #expect(region(0, 14, plume) == .inflow, "over the inflow disk at (30, 5)")
        #expect(region(0, 60, plume) == .wall, "on the floor but away from this simulation's inflow at x = 30")
        #expect(region(0, 14, nil) == .wall, "unknown inflow: never 'inflow'")
        #expect(region(50, 96, plume) == .wall, "touching the right wall")
        #expect(region(50, 94, plume) == .wall, "2 cells from the right wall (columns 94–125)")
        #expect(region(50, 93, plume) == .elsewhere, "3 cells from the right wall")
        #expect(region(50, 92, plume) == .elsewhere, "4 cells from the right wall")
        #expect(region(55, 45, plume) == .elsewhere, "patch top at y = 87, 3 cells below the obstacle's lowest point (90)")
        #expect(region(57, 45, plume) == .obstacle, "patch top at y = 89, 1 cell below it")
    }
}

struct SmokeStatesTests {
    @Test func npyStatesLoadAndBadFilesGiveClearErrors() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("smoke-states-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let one = dir.appendingPathComponent("a.npy"), two = dir.appendingPathComponent("b.npy")
        try Npy.write((0..<(16 * 16)).map { Float($0) }, shape: [16, 16], to: one)
        try Npy.write((0..<(2 * 16 * 16)).map { Float($0) }, shape: [2, 16, 16], to: two)
        let s = try SmokeStates.load(npyFiles: [one, two], size: 16, targetScale: 2)
        #expect(s.count == 3)
        #expect(s.names == ["a.npy", "b.npy[0]", "b.npy[1]"])
        #expect(s.value(2, row: 1, column: 3) == (Float(256 + 16 + 3) / 2))
        #expect(s.parameters.allSatisfy { $0 == nil })

        let wrong = dir.appendingPathComponent("v.npy")
        try Npy.write([Float](repeating: 0, count: 16 * 15), shape: [16, 15], to: wrong)
        if let e = #expect(throws: (any Error).self, performing: { try SmokeStates.load(npyFiles: [wrong], size: 16, targetScale: 1) }) {
            #expect("\(e)".contains("shape [16, 15]"), "\(e)")
        }
        let nan = dir.appendingPathComponent("n.npy")
        try Npy.write([Float.nan] + [Float](repeating: 0, count: 255), shape: [16, 16], to: nan)
        if let e = #expect(throws: (any Error).self, performing: { try SmokeStates.load(npyFiles: [nan], size: 16, targetScale: 1) }) {
            #expect("\(e)".contains("NaN"), "\(e)")
        }
    }

    @Test func aMissingDataSetNamesTheCommandThatMakesIt() {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("no-smoke-\(UUID().uuidString)")
        if let e = #expect(throws: (any Error).self, performing: { try SmokeStates.load(directory: dir, plan: SmokeDatasetPlan(scale: .ci), split: .test) }) {
            #expect("\(e)".contains("smoke2d generate --scale ci"), "\(e)")
        }
    }
}

import Foundation
import Testing
@testable import SmokeSim

struct MaskTests {
    @Test func softDiskBottomRowMatchesSpec() {
        let m = inflowMask(n: 8, centerX: 4, centerY: 2, radius: 2, kind: .soft)
        let expected = [0, 0, 0.328, 1, 1, 0.328, 0, 0]
        for i in 0..<8 { #expect(abs(m[i] - expected[i]) <= 5e-4, "column \(i)") }
    }

    @Test func hardDiskIsOneExactlyWithinRadius() {
        let m = inflowMask(n: 16, centerX: 7.3, centerY: 2, radius: 3.1, kind: .hard)
        for j in 0..<16 { for i in 0..<16 {
            let d2 = pow(Double(i) + 0.5 - 7.3, 2) + pow(Double(j) + 0.5 - 2, 2)
            #expect(m[j * 16 + i] == (d2 <= 3.1 * 3.1 ? 1 : 0))
        } }
        // The floor cuts the disk. Counted by hand, rows y = 0.5 … 4.5 hold 5, 6, 6, 5, 4 cells.
        #expect(m.reduce(0, +) == 26)
    }

    @Test func paperObstacleCounts() {
        let m = ObstacleMasks(n: 128, obstacle: .paper)
        #expect((m.solid.filter { $0 }.count) == 316)
        #expect(m.fluidCount == (128 * 128 - 316))
        let l = m.layout
        var zeroU = 0
        for j in 0..<128 { for i in 1..<128 where m.keepU[l.u(i, j)] == 0 { zeroU += 1 } }
        #expect(zeroU == 312)
        // Damping ramps linearly: a face 0.5 outside the surface keeps 0.5/√½.
        #expect(m.keepU[l.u(64, 100)] == 0)
        #expect(m.keepU[l.u(1, 5)] == 1)
        // Open faces: both cells fluid.
        for j in 0..<128 { for i in 1..<128 {
            #expect((m.openU[l.u(i, j)] != 0) == (!m.solid[j * 128 + i - 1] && !m.solid[j * 128 + i]))
        } }
    }

    @Test func noObstacleKeepsEveryInteriorFace() {
        let m = ObstacleMasks(n: 8, obstacle: nil)
        let l = m.layout
        for j in 0..<8 { for i in 1..<8 { #expect(m.keepU[l.u(i, j)] == 1); #expect(m.openU[l.u(i, j)] == 1) } }
        #expect(m.keepU[l.u(0, 3)] == 0); #expect(m.keepU[l.u(8, 3)] == 0)
    }

    @Test func scalingsMatchSpec() {
        #expect(SmokeScaling.tutorial.inflowRate == 0.6); #expect(SmokeScaling.tutorial.inflowMask == .hard)
        #expect(!SmokeScaling.tutorial.forceTimesDt)
        #expect(SmokeScaling.demo.inflowRate == 0.2); #expect(SmokeScaling.demo.forceTimesDt)
        #expect(SmokeScaling.wang.inflowRate == 1.0); #expect(SmokeScaling.wang.inflowMask == .soft)
        #expect(abs((SmokeSetup(scaling: .tutorial).smokeScale) - 21) <= 1e-12)
    }

    @Test func badInputIsRejectedWithAClearError() {
        #expect(throws: (any Error).self) { try SmokeSetup(scaling: .tutorial, dt: -1).validate() }
        #expect(throws: (any Error).self) { try PlumeParameters(radius: 0, inflowX: 30, buoyancy: 0.2).validate() }
        let sim = try! SmokeSimulator(setup: smallSetup(n: 8, steps: 2))
        if let e = #expect(throws: (any Error).self, performing: { try sim.run(PlumeParameters(radius: 2, inflowX: 4, buoyancy: 0.2), snapshots: [3]) }) {
            #expect("\(e)".contains("snapshot step 3"))
        }
    }
}

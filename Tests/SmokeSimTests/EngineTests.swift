import Foundation
import Testing
@testable import SmokeSim

struct EngineTests {
    /// The fast Float64 engine reproduces the plain reference step (dense pressure solve) on a small grid.
    @Test func engineMatchesReferenceSteps() throws {
        for (scaling, obstacle) in [(SmokeScaling.tutorial, true), (.demo, false), (.wang, true)] {
            let setup = smallSetup(n: 16, obstacle: obstacle, scaling: scaling, steps: 6)
            let plume = PlumePParams.side
            var ref = ReferenceState(n: 16)
            var pressure: [[Double]] = []
            for _ in 0..<setup.steps { pressure = ref.step(setup: setup, plume: plume) }
            let run = try SmokeSimulator(setup: setup).run(plume, precision: .float64)
            #expect(relativeL2(run.final.smoke, ref.s.flatMap { $0 }) < 1e-9, "\(scaling)")
            #expect(relativeL2(run.final.vx, ref.u.flatMap { $0.dropFirst().dropLast() }) < 1e-9, "\(scaling)")
            #expect(relativeL2(run.final.vy, ref.v.dropFirst().dropLast().flatMap { $0 }) < 1e-9, "\(scaling)")
            #expect(relativeL2(run.final.pressure, pressure.flatMap { $0 }) < 1e-8, "\(scaling)")
            #expect(run.final.smoke.max()! > 1)      // something happened
        }
    }

    /// Smoke stays within [0, rate × steps] (the limiter never creates new extrema).
    @Test func smokeBounded() throws {
        let setup = smallSetup(n: 32, steps: 20)
        let run = try SmokeSimulator(setup: setup).run(PlumeParameters(radius: 6, inflowX: 16, buoyancy: 0.5), precision: .float64)
        #expect(run.final.smoke.max()! <= (setup.smokeScale + 1e-9))
        #expect(run.final.smoke.min()! >= 0)
        #expect(run.maxRelativeResidual <= 1e-6)
    }

    /// The same inputs give bit-identical outputs (no hidden state between runs of one simulator).
    @Test func repeatable() throws {
        let sim = try SmokeSimulator(setup: smallSetup(n: 16, steps: 5))
        let a = try sim.runSmokeVelocity32(PlumePParams.side)
        _ = try sim.runSmokeVelocity32(PlumeParameters(radius: 3, inflowX: 8, buoyancy: 0.4))
        let b = try sim.runSmokeVelocity32(PlumePParams.side)
        #expect(a.smoke == b.smoke); #expect(a.vx == b.vx); #expect(a.vy == b.vy)
    }
}

enum PlumePParams {
    /// A side inflow on the 16-cell test grid (x = 30/128 of the box), radius 3, strong buoyancy.
    static let side = PlumeParameters(radius: 3, inflowX: 30.0 / 8, buoyancy: 0.45)
}

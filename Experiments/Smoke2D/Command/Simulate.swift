import ArgumentParser
import ExperimentCLI
import Foundation
import SmokeSim

/// `smoke2d simulate`: one simulation from any initial condition, written as .npy files (Docs/smoke-simulator.md §e layout) so it
/// can be compared with PhiFlow.
struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run one simulation and write smoke.npy, vx.npy, vy.npy (and stepNN_*.npy snapshots) as float32.")

    @Option(help: "Inflow radius (cells), 0.5…64.") var radius: Double
    @Option(name: .customLong("inflow-x"), help: "Inflow centre x (cells), 0…128 (inside the 128-cell box); y is 5.") var inflowX: Double
    @Option(help: "Buoyancy factor B, 0…10.") var buoyancy: Double
    @Option(help: "tutorial (0.6/step, hard disk, Δv = B·s), wang (1.0, soft) or demo (0.2, soft, Δv = B·s·dt).")
    var scaling: String = "tutorial"
    @Flag(name: .customLong("no-obstacle"), help: "Leave out the obstacle (centre (64, 100), radius 10).")
    var noObstacle = false
    @Option(help: "float32 or float64 (advection arithmetic; the pressure solve is always float64).")
    var precision: String = "float32"
    @Option(help: "Number of steps of dt = 0.5, 1…10000.") var steps: Int = 35
    @Option(help: "Comma-separated steps after which to write stepNN_smoke/_vx/_vy/_pressure.npy.")
    var snapshots: String = ""
    @Option(help: "Output folder.") var out: String

    func validate() throws {
        try OptionRange.check(radius, in: 0.5...64, "--radius")
        try OptionRange.check(inflowX, in: 0...128, "--inflow-x")
        try OptionRange.check(buoyancy, in: 0...10, "--buoyancy")
        try OptionRange.check(steps, in: 1...10_000, "--steps")
    }

    func run() throws {
        guard let scalingValue = SmokeScaling(rawValue: scaling) else {
            throw ValidationError("unknown --scaling '\(scaling)'; choose tutorial, wang or demo")
        }
        guard let precisionValue = SmokePrecision(rawValue: precision) else {
            throw ValidationError("unknown --precision '\(precision)'; choose float32 or float64")
        }
        var shots = Set<Int>()
        for part in snapshots.split(separator: ",") where !part.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let k = Int(part.trimmingCharacters(in: .whitespaces)), k >= 1, k <= steps else {
                throw ValidationError("--snapshots: '\(part)' is not a step in 1 … \(steps)")
            }
            shots.insert(k)
        }
        let setup = SmokeSetup(scaling: scalingValue, obstacle: noObstacle ? nil : .paper, steps: steps)
        let t0 = Date()
        let result = try SmokeSimulator(setup: setup)
            .run(PlumeParameters(radius: radius, inflowX: inflowX, buoyancy: buoyancy), precision: precisionValue, snapshots: shots)
        let seconds = Date().timeIntervalSince(t0)
        let dir = URL(fileURLWithPath: out)
        try write(result.final, to: dir, prefix: "", pressure: false)
        for (step, fields) in result.snapshots { try write(fields, to: dir, prefix: String(format: "step%02d_", step), pressure: true) }
        print(String(format: "simulated %d steps (%@, %@, %@) in %.3f s; max smoke %.4f; max pressure residual %.2e; wrote %@",
                     steps, scaling, precision, noObstacle ? "no obstacle" : "obstacle (64, 100) r 10", seconds,
                     result.final.smoke.max() ?? 0, result.maxRelativeResidual, dir.path))
    }

    func write(_ f: SmokeFields, to dir: URL, prefix: String, pressure: Bool) throws {
        let n = f.n
        try Npy.write(f.smoke.map { Float($0) }, shape: [n, n], to: dir.appendingPathComponent(prefix + "smoke.npy"))
        try Npy.write(f.vx.map { Float($0) }, shape: [n, n - 1], to: dir.appendingPathComponent(prefix + "vx.npy"))
        try Npy.write(f.vy.map { Float($0) }, shape: [n - 1, n], to: dir.appendingPathComponent(prefix + "vy.npy"))
        if pressure {
            try Npy.write(f.pressure.map { Float($0) }, shape: [n, n], to: dir.appendingPathComponent(prefix + "pressure.npy"))
        }
    }
}

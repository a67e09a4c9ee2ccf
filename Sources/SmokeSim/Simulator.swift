import Foundation

/// Arithmetic of the advection and the stored state. The pressure solve is Float64 in both.
public enum SmokePrecision: String, Codable, Sendable, CaseIterable {
    case float32, float64
}

/// A state of the simulation in the storage layout of Docs/smoke-simulator.md §e, as Double whatever the precision it was computed in.
public struct SmokeFields: Sendable, Equatable {
    public let n: Int
    /// [n, n]: rows y (row 0 = bottom), columns x, cell centres.
    public var smoke: [Double]
    /// [n, n − 1]: x-velocity on the interior x-faces x = 1 … n − 1.
    public var vx: [Double]
    /// [n − 1, n]: y-velocity on the interior y-faces y = 1 … n − 1.
    public var vy: [Double]
    /// [n, n]: the projection's pressure, mean 0 over fluid cells (0 on solid cells).
    public var pressure: [Double]
}

/// One simulation's output: the final state, the requested snapshots and solver diagnostics.
public struct SmokeRun: Sendable {
    public var final: SmokeFields
    /// Step number (1-based) → state after that step.
    public var snapshots: [Int: SmokeFields]
    /// The largest relative residual ‖L p − b‖/‖b‖ of the pressure solves.
    public var maxRelativeResidual: Double
}

/// Runs simulations of one `SmokeSetup`. The pressure solver is set up once per grid and obstacle and shared
/// by all simulators in the process. A simulator is not thread-safe; make one per thread (cheap).
public final class SmokeSimulator: @unchecked Sendable {
    public let setup: SmokeSetup
    let solver: PressureSolver
    private var engine32: Engine<Float>?
    private var engine64: Engine<Double>?

    public init(setup: SmokeSetup) throws {
        try setup.validate()
        self.setup = setup
        solver = PressureSolver.shared(n: setup.gridSize, obstacle: setup.obstacle)
    }

    /// Runs `setup.steps` steps from rest and returns the final state (and the states after `snapshots` steps).
    public func run(_ parameters: PlumeParameters, precision: SmokePrecision = .float32, snapshots: Set<Int> = []) throws -> SmokeRun {
        try parameters.validate()
        if let bad = snapshots.first(where: { $0 < 1 || $0 > setup.steps }) {
            throw SmokeError.invalidParameters("snapshot step \(bad) is outside 1 … \(setup.steps)")
        }
        switch precision {
        case .float32:
            if engine32 == nil { engine32 = Engine<Float>(setup: setup, solver: solver) }
            return try engine32!.run(parameters, snapshots: snapshots)
        case .float64:
            if engine64 == nil { engine64 = Engine<Double>(setup: setup, solver: solver) }
            return try engine64!.run(parameters, snapshots: snapshots)
        }
    }

    /// The final smoke and interior face velocities as Float32, layout of `SmokeFields` (the data set's fast path:
    /// no conversions through Double, no pressure copy).
    public func runSmokeVelocity32(_ parameters: PlumeParameters) throws -> (smoke: [Float], vx: [Float], vy: [Float]) {
        try parameters.validate()
        if engine32 == nil { engine32 = Engine<Float>(setup: setup, solver: solver) }
        let e = engine32!
        _ = try e.simulate(parameters, snapshots: [], record: { _ in })
        return (e.s, e.interiorU(), e.interiorV())
    }
}

/// The time stepper in precision T (Docs/smoke-simulator.md §a.3, §a.7).
final class Engine<T: SmokeScalar> {
    let setup: SmokeSetup
    let layout: MACLayout
    let projector: Projector<T>
    var s: [T], hat: [T], sNew: [T], inflow: [T]
    var u: [T], v: [T], uNew: [T], vNew: [T]

    init(setup: SmokeSetup, solver: PressureSolver) {
        self.setup = setup
        let n = setup.gridSize
        layout = MACLayout(n: n)
        projector = Projector<T>(solver: solver)
        s = [T](repeating: 0, count: n * n); hat = s; sNew = s; inflow = s
        u = [T](repeating: 0, count: layout.uCount); uNew = u
        v = [T](repeating: 0, count: layout.vCount); vNew = v
    }

    func reset(_ p: PlumeParameters) {
        let n = setup.gridSize
        for k in s.indices { s[k] = 0 }
        for k in u.indices { u[k] = 0; uNew[k] = 0 }
        for k in v.indices { v[k] = 0; vNew[k] = 0 }
        let mask = inflowMask(n: n, centerX: p.inflowX, centerY: setup.inflowY, radius: p.radius, kind: setup.inflowMask)
        inflow = mask.map { T($0 * setup.inflowRate) }
        for k in projector.pressure.indices { projector.pressure[k] = 0 }
    }

    /// Runs all steps; calls `record(step)` after each step listed in `snapshots`. Returns the max residual.
    func simulate(_ p: PlumeParameters, snapshots: Set<Int>, record: (Int) -> Void) throws -> Double {
        reset(p)
        let n = setup.gridSize, dt = T(setup.dt)
        let force = T(p.buoyancy * (setup.forceTimesDt ? setup.dt : 1))
        var maxResidual = 0.0
        for step in stride(from: 1, through: setup.steps, by: 1) {
            s.withUnsafeBufferPointer { sp in u.withUnsafeBufferPointer { up in v.withUnsafeBufferPointer { vp in
                hat.withUnsafeMutableBufferPointer { hp in sNew.withUnsafeMutableBufferPointer { np in inflow.withUnsafeBufferPointer { qp in
                    advectSmoke(n: n, dt: dt, s: sp.baseAddress!, u: up.baseAddress!, v: vp.baseAddress!, inflow: qp.baseAddress!,
                                hat: hp.baseAddress!, out: np.baseAddress!)
                } } }
            } } }
            swap(&s, &sNew)
            s.withUnsafeBufferPointer { sp in u.withUnsafeBufferPointer { up in v.withUnsafeBufferPointer { vp in
                uNew.withUnsafeMutableBufferPointer { uo in vNew.withUnsafeMutableBufferPointer { vo in
                    advectVelocity(n: n, dt: dt, forceFactor: force, s: sp.baseAddress!, u: up.baseAddress!, v: vp.baseAddress!,
                                   uOut: uo.baseAddress!, vOut: vo.baseAddress!)
                } }
            } } }
            swap(&u, &uNew); swap(&v, &vNew)
            let r = u.withUnsafeMutableBufferPointer { up in v.withUnsafeMutableBufferPointer { vp in
                projector.project(u: up.baseAddress!, v: vp.baseAddress!)
            } }
            maxResidual = max(maxResidual, r)
            var check = T(0)
            for x in u { check += x }; for x in v { check += x }
            guard check.isFinite, r.isFinite else { throw SmokeError.notFinite(step: step) }
            if snapshots.contains(step) { record(step) }
        }
        guard maxResidual <= 1e-6 else { throw SmokeError.solverInaccurate(relativeResidual: maxResidual) }
        return maxResidual
    }

    func interiorU() -> [T] {
        let n = setup.gridSize
        var out: [T] = []; out.reserveCapacity(n * (n - 1))
        for j in 0..<n { for i in 1..<n { out.append(u[layout.u(i, j)]) } }
        return out
    }
    func interiorV() -> [T] {
        let n = setup.gridSize
        var out: [T] = []; out.reserveCapacity(n * (n - 1))
        for j in 1..<n { for i in 0..<n { out.append(v[layout.v(i, j)]) } }
        return out
    }

    func fields() -> SmokeFields {
        SmokeFields(n: setup.gridSize, smoke: s.map { Double($0) }, vx: interiorU().map { Double($0) },
                    vy: interiorV().map { Double($0) }, pressure: projector.pressure)
    }

    func run(_ p: PlumeParameters, snapshots: Set<Int>) throws -> SmokeRun {
        var shots: [Int: SmokeFields] = [:]
        let r = try simulate(p, snapshots: snapshots) { shots[$0] = fields() }
        return SmokeRun(final: fields(), snapshots: shots, maxRelativeResidual: r)
    }
}

import Foundation

/// How the inflow disk is rasterised onto the cells (Docs/smoke-simulator.md §a.6).
public enum InflowMask: String, Codable, Sendable, CaseIterable {
    /// 1 where the cell centre lies within the radius, else 0 (PhiFlow's `CenteredGrid(Sphere)`; tutorial, Wang et al.).
    case hard
    /// clip(½ − (|c − centre| − r)/√½, 0, 1) (PhiFlow's `resample(Sphere, soft=True)`; the demo).
    case soft
}

/// The three published parameterisations of PhiFlow's smoke plume (Docs/smoke-simulator.md §b): they differ only in the smoke
/// injected per step, the inflow mask and whether the buoyancy increment is multiplied by dt.
public enum SmokeScaling: String, Codable, Sendable, CaseIterable {
    /// PhiFlow's Fluids tutorial: 0.6 per step on a hard disk, Δv = B·s per step. The project's choice.
    case tutorial
    /// Wang, Walters & Yu 2022: 1.0 per step on a soft disk, Δv = B·s per step (both advections at dt 0.5 here).
    case wang
    /// PhiFlow's `demos/smoke_plume.py`: 0.2 per step on a soft disk, Δv = B·s·dt.
    case demo

    public var inflowRate: Double { switch self { case .tutorial: 0.6; case .wang: 1.0; case .demo: 0.2 } }
    public var inflowMask: InflowMask { self == .tutorial ? .hard : .soft }
    public var forceTimesDt: Bool { self == .demo }
}

/// A circular obstacle (cell units). It enters the pressure projection only (Docs/smoke-simulator.md §a.4).
public struct Obstacle: Codable, Sendable, Equatable, Hashable {
    public var centerX: Double
    public var centerY: Double
    public var radius: Double
    public init(centerX: Double, centerY: Double, radius: Double) {
        self.centerX = centerX; self.centerY = centerY; self.radius = radius
    }
    /// The project's obstacle: centre (64, 100), radius 10, on the 128² grid (Docs/smoke-simulator.md §b).
    public static let paper = Obstacle(centerX: 64, centerY: 100, radius: 10)
}

/// Everything shared by all simulations of a data set: grid, time stepping, scaling and obstacle.
public struct SmokeSetup: Codable, Sendable, Equatable {
    /// Cells per side; the box is [0, n]² with dx = 1.
    public var gridSize: Int
    public var dt: Double
    public var steps: Int
    /// Smoke added to the inflow cells at every step (no dt factor).
    public var inflowRate: Double
    public var inflowMask: InflowMask
    /// y of the inflow centre (cells).
    public var inflowY: Double
    /// Buoyancy increment B·s·dt per step instead of B·s.
    public var forceTimesDt: Bool
    public var obstacle: Obstacle?

    public init(gridSize: Int = 128, dt: Double = 0.5, steps: Int = 35, inflowRate: Double, inflowMask: InflowMask,
                inflowY: Double = 5, forceTimesDt: Bool, obstacle: Obstacle?) {
        self.gridSize = gridSize; self.dt = dt; self.steps = steps; self.inflowRate = inflowRate
        self.inflowMask = inflowMask; self.inflowY = inflowY; self.forceTimesDt = forceTimesDt; self.obstacle = obstacle
    }

    /// One of the published scalings on the 128² box with dt 0.5, 35 steps and the project's obstacle.
    public init(scaling: SmokeScaling, obstacle: Obstacle? = .paper, steps: Int = 35, dt: Double = 0.5, gridSize: Int = 128) {
        self.init(gridSize: gridSize, dt: dt, steps: steps, inflowRate: scaling.inflowRate, inflowMask: scaling.inflowMask,
                  forceTimesDt: scaling.forceTimesDt, obstacle: obstacle)
    }

    /// The largest smoke density any cell can hold: rate × steps (21 for the tutorial scaling). The data set
    /// divides the smoke by this to land in [0, 1] (Docs/smoke-simulator.md §d).
    public var smokeScale: Double { inflowRate * Double(steps) }

    public func validate() throws {
        func bad(_ why: String) -> SmokeError { .invalidSetup(why) }
        guard gridSize >= 4 else { throw bad("grid size must be at least 4, got \(gridSize)") }
        guard dt.isFinite, dt > 0 else { throw bad("dt must be positive and finite, got \(dt)") }
        guard steps >= 0 else { throw bad("steps must be non-negative, got \(steps)") }
        guard inflowRate.isFinite, inflowRate >= 0 else { throw bad("inflow rate must be non-negative, got \(inflowRate)") }
        guard inflowY.isFinite else { throw bad("inflow y must be finite") }
        if let o = obstacle {
            guard o.radius.isFinite, o.radius > 0, o.centerX.isFinite, o.centerY.isFinite else {
                throw bad("obstacle needs a finite centre and a positive radius, got \(o)")
            }
        }
    }
}

/// The per-simulation initial condition: inflow position and radius and the buoyancy factor.
public struct PlumeParameters: Codable, Sendable, Equatable {
    public var radius: Double
    public var inflowX: Double
    public var buoyancy: Double
    public init(radius: Double, inflowX: Double, buoyancy: Double) {
        self.radius = radius; self.inflowX = inflowX; self.buoyancy = buoyancy
    }
    public func validate() throws {
        guard radius.isFinite, radius > 0 else { throw SmokeError.invalidParameters("inflow radius must be positive, got \(radius)") }
        guard inflowX.isFinite else { throw SmokeError.invalidParameters("inflow x must be finite, got \(inflowX)") }
        guard buoyancy.isFinite else { throw SmokeError.invalidParameters("buoyancy must be finite, got \(buoyancy)") }
    }
}

/// Errors of the simulator and the data set, each with a message a user can act on.
public enum SmokeError: Error, CustomStringConvertible, Equatable {
    case invalidSetup(String)
    case invalidParameters(String)
    case invalidArgument(String)
    case notFinite(step: Int)
    case solverInaccurate(relativeResidual: Double)
    case io(String)
    case corruptData(String)

    public var description: String {
        switch self {
        case .invalidSetup(let s): "invalid simulation setup: \(s)"
        case .invalidParameters(let s): "invalid plume parameters: \(s)"
        case .invalidArgument(let s): s
        case .notFinite(let step): "the simulation produced a non-finite value at step \(step)"
        case .solverInaccurate(let r): "pressure solve missed its tolerance: relative residual \(r) > 1e-6"
        case .io(let s): s
        case .corruptData(let s): s
        }
    }
}

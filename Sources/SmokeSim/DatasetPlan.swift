import NPTensor

/// What the data set simulates: the paper's prior over initial conditions (Docs/smoke-simulator.md §b; Docs/paper-spec.md A23, A24) and the mapping
/// from (data-set seed, simulation index) to parameters. Nothing else enters a simulation, so the bytes of a
/// shard do not depend on the number of threads or the order of generation.
public struct SmokeDatasetPlan: Codable, Sendable, Equatable {
    /// Bumped whenever the simulator or the storage changes the bytes of a shard.
    public static let version = "smoke-dataset-1"

    public var scale: SmokeDataScale
    public var scaling: SmokeScaling
    public var setup: SmokeSetup
    public var inflowPositions: [Double] = [30, 64, 110]
    public var radiusRange: ClosedRange<Double> = 5...30
    public var buoyancyRange: ClosedRange<Double> = 0.1...0.5

    public init(scale: SmokeDataScale, scaling: SmokeScaling = .tutorial) {
        self.scale = scale; self.scaling = scaling
        setup = SmokeSetup(scaling: scaling)
    }

    /// Simulation `index`'s initial condition: inflow x uniform over the three positions, radius U[5, 30]
    /// (continuous, Docs/paper-spec.md A23), B U[0.1, 0.5], all drawn from the stream `index` of the data-set seed.
    public func parameters(at index: Int) -> PlumeParameters {
        var rng = RandomGenerator(seed: scale.seed, stream: UInt64(index))
        let pick = min(Int(rng.uniform() * Double(inflowPositions.count)), inflowPositions.count - 1)
        let radius = rng.uniform(radiusRange.lowerBound, radiusRange.upperBound)
        let buoyancy = rng.uniform(buoyancyRange.lowerBound, buoyancyRange.upperBound)
        return PlumeParameters(radius: radius, inflowX: inflowPositions[pick], buoyancy: buoyancy)
    }

    public func shardRange(_ shard: Int) -> Range<Int> { (shard * scale.shardSize)..<((shard + 1) * scale.shardSize) }
}

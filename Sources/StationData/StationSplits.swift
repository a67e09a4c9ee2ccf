/// The two regions of the environmental experiment, split at longitude −105.2 (Docs/station-data.md §1, §6): the mountains
/// west of it (training and in-distribution test) and the plains east of it (out-of-distribution test).
/// A station belongs to one region by its fixed location.
public enum StationRegion: String, CaseIterable, Codable, Sendable {
    case west
    case east

    public static let boundaryLongitude = -105.2

    public func contains(longitude: Double) -> Bool {
        switch self {
        case .west: return longitude < StationRegion.boundaryLongitude
        case .east: return longitude >= StationRegion.boundaryLongitude
        }
    }

    /// The stations of this region, in station order.
    public func stations(of data: ColoradoMonthlyMet) -> [Int] {
        data.longitude.indices.filter { contains(longitude: data.longitude[$0]) }
    }
}

/// The open box in which the fixed inputs are active (Docs/station-data.md §5.6): lon ∈ (−109.5, −105.2), lat ∈ (36.5, 41.5).
/// It contains every west station; fixed inputs are zeroed outside it, and everywhere on the OOD test.
public enum TrainingDomain {
    public static let longitude = (lower: -109.5, upper: -105.2)
    public static let latitude = (lower: 36.5, upper: 41.5)

    public static func contains(longitude lon: Double, latitude lat: Double) -> Bool {
        lon > longitude.lower && lon < longitude.upper && lat > latitude.lower && lat < latitude.upper
    }
}

/// The splits of Docs/station-data.md §6. Validation uses the training months with fixed-seed tasks (as the authors' code
/// does); the test splits use 1981–1997.
public enum StationSplit: String, CaseIterable, Codable, Sendable {
    case train
    case validation
    case idTest
    case oodTest

    public static let trainingYears = 1935...1980
    public static let testYears = 1981...1997

    public var region: StationRegion { self == .oodTest ? .east : .west }

    public var years: ClosedRange<Int> {
        switch self {
        case .train, .validation: return StationSplit.trainingYears
        case .idTest, .oodTest: return StationSplit.testYears
        }
    }

    /// True on the OOD test, which runs with the strictly-equivariant switch on (all fixed inputs zero).
    public var fixedInputsForcedToZero: Bool { self == .oodTest }

    /// Tasks per epoch (train) or in total (the others) at paper scale (Docs/station-data.md §6).
    public var paperTaskCount: Int { self == .validation ? 4_096 : 16_000 }

    /// True when tasks are drawn afresh every epoch; the other splits use fixed-seed tasks.
    public var drawsFreshTasks: Bool { self == .train }

    /// A distinct random stream per split for `RandomGenerator(seed:stream:)`, so splits never share draws.
    public var randomStream: UInt64 {
        switch self {
        case .train: return 0x7A1
        case .validation: return 0x7A2
        case .idTest: return 0x7A3
        case .oodTest: return 0x7A4
        }
    }
}

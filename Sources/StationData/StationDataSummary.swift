import Foundation

/// The coverage numbers of Docs/station-data.md §2.4 and the split sizes of §6, computed from the data (for
/// `station-data summary` and for the tests on the real file). "Reporting" means Tmax and Tmin both present.
public struct StationDataSummary: Sendable {
    public let stationCount: Int
    public let yearRange: ClosedRange<Int>
    public let monthCount: Int
    public let stationMonthsWithBoth: Int
    public let stationMonthsWithEither: Int
    public let longitudeRange: ClosedRange<Double>
    public let latitudeRange: ClosedRange<Double>
    public let elevationRange: ClosedRange<Double>
    public let westStations: Int
    public let eastStations: Int
    public let medianElevationWest: Double
    public let medianElevationEast: Double
    /// Months with at least 50 reporting stations on each side of −105.2.
    public let monthsWithFiftyEachSide: Int
    /// Minimum reporting stations per month from 1935 on.
    public let minimumWestFrom1935: Int
    public let minimumEastFrom1935: Int
    /// Median reporting stations per month: west 1935–1980, west 1981–1997, east 1981–1997.
    public let medianWestTraining: Double
    public let medianWestTest: Double
    public let medianEastTest: Double
    /// Stations with at least 240 reporting months.
    public let stationsWithTwentyYears: Int
    /// Months (2-D tasks) and four-month windows (4-D tasks) per split.
    public let monthsPerSplit: [StationSplit: Int]
    public let windowsPerSplit: [StationSplit: Int]
    /// Observations (reporting station-months) per split.
    public let observationsPerSplit: [StationSplit: Int]
    public let elevationGridSize: (x: Int, y: Int)
    public let elevationGridMissing: Int
    /// The training split's standardisation statistics (Docs/station-data.md §5.2).
    public let trainingStandardisation: StationStandardisation

    public init(_ data: ColoradoMonthlyMet) {
        let builder = StationTaskBuilder(data: data)
        stationCount = data.stationCount
        yearRange = data.years[0]...data.years[data.years.count - 1]
        monthCount = data.monthCount
        stationMonthsWithBoth = data.bothPresentCount
        stationMonthsWithEither = data.eitherPresentCount
        longitudeRange = data.longitude.min()!...data.longitude.max()!
        latitudeRange = data.latitude.min()!...data.latitude.max()!
        elevationRange = data.elevation.min()!...data.elevation.max()!
        let west = StationRegion.west.stations(of: data), east = StationRegion.east.stations(of: data)
        westStations = west.count
        eastStations = east.count
        medianElevationWest = StationDataSummary.median(west.map { data.elevation[$0] })
        medianElevationEast = StationDataSummary.median(east.map { data.elevation[$0] })

        func reporting(_ stations: [Int], _ m: Int) -> Int {
            stations.reduce(0) { $0 + (data.meanTemperature(month: m, station: $1).isNaN ? 0 : 1) }
        }
        let westCounts = (0..<data.monthCount).map { reporting(west, $0) }
        let eastCounts = (0..<data.monthCount).map { reporting(east, $0) }
        monthsWithFiftyEachSide = zip(westCounts, eastCounts).filter { $0 >= 50 && $1 >= 50 }.count
        let from1935 = builder.monthIndices(years: 1935...yearRange.upperBound)
        minimumWestFrom1935 = from1935.map { westCounts[$0] }.min() ?? 0
        minimumEastFrom1935 = from1935.map { eastCounts[$0] }.min() ?? 0
        let training = builder.monthIndices(years: StationSplit.trainingYears), test = builder.monthIndices(years: StationSplit.testYears)
        medianWestTraining = StationDataSummary.median(training.map { Double(westCounts[$0]) })
        medianWestTest = StationDataSummary.median(test.map { Double(westCounts[$0]) })
        medianEastTest = StationDataSummary.median(test.map { Double(eastCounts[$0]) })
        stationsWithTwentyYears = (0..<data.stationCount).filter { s in
            (0..<data.monthCount).reduce(0) { $0 + (data.meanTemperature(month: $1, station: s).isNaN ? 0 : 1) } >= 240
        }.count

        var months = [StationSplit: Int](), windows = [StationSplit: Int](), observations = [StationSplit: Int]()
        for split in StationSplit.allCases {
            let tasks = builder.monthlyTasks(split)
            months[split] = tasks.count
            observations[split] = tasks.reduce(0) { $0 + $1.count }
            let m = builder.monthIndices(years: split.years).count
            windows[split] = max(0, m - 3)
        }
        monthsPerSplit = months
        windowsPerSplit = windows
        observationsPerSplit = observations
        elevationGridSize = (data.elevationGrid.x.count, data.elevationGrid.y.count)
        elevationGridMissing = data.elevationGrid.z.filter(\.isNaN).count
        trainingStandardisation = StationStandardisation.fit(builder)
    }

    static func median(_ v: [Double]) -> Double {
        guard !v.isEmpty else { return .nan }
        let s = v.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    public var lines: [String] {
        func f(_ x: Double, _ d: Int = 2) -> String { String(format: "%.\(d)f", x) }
        let splitLines = StationSplit.allCases.map { s in
            "  \(s.rawValue): \(s.region.rawValue) \(s.years.lowerBound)–\(s.years.upperBound), \(monthsPerSplit[s]!) months "
                + "(2-D tasks), \(windowsPerSplit[s]!) four-month windows (4-D tasks), \(observationsPerSplit[s]!) station-months"
        }
        return [
            "stations \(stationCount), years \(yearRange.lowerBound)–\(yearRange.upperBound), months \(monthCount)",
            "station-months with Tmax and Tmin \(stationMonthsWithBoth), with either \(stationMonthsWithEither)",
            "box lon [\(f(longitudeRange.lowerBound)), \(f(longitudeRange.upperBound))] × lat [\(f(latitudeRange.lowerBound)), "
                + "\(f(latitudeRange.upperBound))], elevation \(f(elevationRange.lowerBound, 0))–\(f(elevationRange.upperBound, 0)) m",
            "west of −105.2: \(westStations) stations (median elevation \(f(medianElevationWest, 0)) m); east: \(eastStations) "
                + "(median \(f(medianElevationEast, 0)) m)",
            "months with ≥ 50 reporting stations on each side: \(monthsWithFiftyEachSide) of \(monthCount)",
            "from 1935: at least \(minimumWestFrom1935) west and \(minimumEastFrom1935) east reporting stations every month",
            "median reporting stations per month: west 1935–1980 \(f(medianWestTraining, 1)), west 1981–1997 \(f(medianWestTest, 1)), "
                + "east 1981–1997 \(f(medianEastTest, 1))",
            "stations with ≥ 240 reporting months: \(stationsWithTwentyYears)",
            "elevation grid \(elevationGridSize.x) × \(elevationGridSize.y), \(elevationGridMissing) missing",
            "splits:",
        ] + splitLines + [standardisationLine]
    }

    private var standardisationLine: String {
        let z = trainingStandardisation
        func f(_ x: Double) -> String { String(format: "%.3f", x) }
        return "training standardisation (\(z.observationCount) station-months): lon centre \(f(z.longitudeCentre)), "
            + "lat centre \(f(z.latitudeCentre)), lon × cos(lat centre) = \(f(z.longitudeFactor)), common scale \(f(z.horizontalScale))° "
            + "of latitude; time in months from each task window's centre; elevation \(f(z.elevationMean)) ± \(f(z.elevationStd)) m; "
            + "target \(f(z.targetMean)) ± \(f(z.targetStd)) °C"
    }
}

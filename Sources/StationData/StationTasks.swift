/// One observation of the target: a station's monthly mean temperature (Tmax + Tmin) / 2 in °C.
public struct StationObservation: Equatable, Sendable {
    public var station: Int
    /// Months since January of the first year (1895): (year − 1895) · 12 + (month − 1).
    public var monthIndex: Int
    public var longitude: Double
    public var latitude: Double
    /// Station elevation in metres.
    public var elevation: Double
    public var temperature: Double
}

/// The raw material of one task: every observation of one region in `monthCount` consecutive months
/// (1 for 2-D tasks, 4 for 4-D tasks), ordered by month, then station.
public struct StationTask: Equatable, Sendable {
    public var region: StationRegion
    public var firstMonthIndex: Int
    public var monthCount: Int
    public var observations: [StationObservation]

    public var count: Int { observations.count }
}

/// Builds 2-D and 4-D tasks (Docs/station-data.md §5.3–5.4) from the data set.
public struct StationTaskBuilder: Sendable {
    public let data: ColoradoMonthlyMet
    private let regionStations: [StationRegion: [Int]]
    /// The west stations with a value in some training month: the stations of the training split, and so of the
    /// ID test (Docs/station-data.md §6).
    public let trainingStations: [Int]

    public init(data: ColoradoMonthlyMet) {
        self.data = data
        var stations = [StationRegion: [Int]]()
        for region in StationRegion.allCases { stations[region] = region.stations(of: data) }
        regionStations = stations
        let months = Self.monthIndices(years: StationSplit.trainingYears, of: data)
        trainingStations = stations[.west, default: []].filter { s in months.contains { !data.meanTemperature(month: $0, station: s).isNaN } }
    }

    /// The stations a split's tasks are made of: the ID test keeps the stations of the training months (the test
    /// months add 69 stations, mostly above 2,500 m, at places no training month observed); the other splits take
    /// every station of their region.
    public func stations(_ split: StationSplit) -> [Int] {
        split == .idTest ? trainingStations : regionStations[split.region, default: []]
    }

    /// The month index of January of a year.
    public func monthIndex(year: Int, month: Int = 1) -> Int { (year - data.years[0]) * 12 + (month - 1) }

    /// The month indices of a year range (clipped to the data's years).
    public func monthIndices(years: ClosedRange<Int>) -> Range<Int> { Self.monthIndices(years: years, of: data) }

    static func monthIndices(years: ClosedRange<Int>, of data: ColoradoMonthlyMet) -> Range<Int> {
        let first = max(years.lowerBound, data.years[0]), last = min(years.upperBound, data.years[data.years.count - 1])
        guard first <= last else { return 0..<0 }
        return ((first - data.years[0]) * 12)..<((last - data.years[0]) * 12 + 12)
    }

    /// The observations of one region in one month: every station of the region with Tmax and Tmin present.
    public func observations(region: StationRegion, monthIndex m: Int, stations: [Int]? = nil) -> [StationObservation] {
        (stations ?? regionStations[region, default: []]).compactMap { s in
            let t = data.meanTemperature(month: m, station: s)
            guard !t.isNaN else { return nil }
            return StationObservation(station: s, monthIndex: m, longitude: data.longitude[s], latitude: data.latitude[s],
                                      elevation: data.elevation[s], temperature: t)
        }
    }

    /// The task of `monthCount` consecutive months starting at `firstMonthIndex`.
    /// `stations`: a subset of the region's stations (default: all of them).
    public func task(region: StationRegion, firstMonthIndex: Int, monthCount: Int = 1, stations: [Int]? = nil) -> StationTask {
        let points = (firstMonthIndex..<(firstMonthIndex + monthCount)).flatMap { self.observations(region: region, monthIndex: $0, stations: stations) }
        return StationTask(region: region, firstMonthIndex: firstMonthIndex, monthCount: monthCount, observations: points)
    }

    /// 2-D material: one task per month of the years.
    public func monthlyTasks(region: StationRegion, years: ClosedRange<Int>, stations: [Int]? = nil) -> [StationTask] {
        monthIndices(years: years).map { task(region: region, firstMonthIndex: $0, stations: stations) }
    }

    /// 4-D material: one task per window of `windowLength` consecutive months lying entirely inside the years
    /// (stride one month, so windows overlap).
    public func windowTasks(region: StationRegion, years: ClosedRange<Int>, windowLength: Int = 4, stations: [Int]? = nil) -> [StationTask] {
        let months = monthIndices(years: years)
        guard months.count >= windowLength else { return [] }
        return (months.lowerBound...(months.upperBound - windowLength)).map {
            task(region: region, firstMonthIndex: $0, monthCount: windowLength, stations: stations)
        }
    }

    /// The 2-D tasks of a split, on the split's stations.
    public func monthlyTasks(_ split: StationSplit) -> [StationTask] {
        monthlyTasks(region: split.region, years: split.years, stations: stations(split))
    }

    /// The 4-D tasks of a split, on the split's stations.
    public func windowTasks(_ split: StationSplit, windowLength: Int = 4) -> [StationTask] {
        windowTasks(region: split.region, years: split.years, windowLength: windowLength, stations: stations(split))
    }
}

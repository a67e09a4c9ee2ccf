import Foundation
import NPTensor
import Testing
@testable import StationData

@Suite struct StationTaskTests {
    let builder: StationTaskBuilder

    init() throws { builder = StationTaskBuilder(data: try SyntheticStationData.expected()) }

    @Test func regionsSplitAtTheBoundary() {
        #expect(StationRegion.west.stations(of: builder.data) == [0, 1, 4])
        #expect(StationRegion.east.stations(of: builder.data) == [2, 3])   // −105.2 itself is east
        #expect(TrainingDomain.contains(longitude: -106, latitude: 39))
        #expect(!TrainingDomain.contains(longitude: -105.2, latitude: 39) && !TrainingDomain.contains(longitude: -106, latitude: 41.5))
    }

    @Test func splitsHaveTheRightMonthsAndStations() {
        #expect(builder.monthIndices(years: StationSplit.trainingYears) == 0..<24)   // 1979–1980 of the synthetic years
        #expect(builder.monthIndices(years: StationSplit.testYears) == 24..<48)
        let train = builder.monthlyTasks(.train), id = builder.monthlyTasks(.idTest), ood = builder.monthlyTasks(.oodTest)
        #expect(train.count == 24 && id.count == 24 && ood.count == 24)
        #expect(train.map(\.count).reduce(0, +) == 60)   // stations 0 and 1 every month, station 4 only in 1980
        #expect(id.map(\.count).reduce(0, +) == 69)      // station 1 misses January–March 1982
        #expect(ood.map(\.count).reduce(0, +) == 47)     // station 3 misses June 1981
        #expect(train[0].observations.map(\.station) == [0, 1])
        #expect(train[12].observations.map(\.station) == [0, 1, 4])
        #expect(Set(id.flatMap { $0.observations.map(\.station) }).isDisjoint(with: Set(ood.flatMap { $0.observations.map(\.station) })))
        #expect(StationSplit.oodTest.fixedInputsForcedToZero && !StationSplit.idTest.fixedInputsForcedToZero)
        #expect(StationSplit.validation.years == StationSplit.train.years && StationSplit.validation.region == .west)
    }

    @Test func idTestKeepsTheTrainingStations() {
        #expect(builder.trainingStations == [0, 1, 4])
        // Station 4 (west) loses its training-period values: it then reports only in the test years, as the
        // stations first installed after 1980 do, and drops out of the ID test but not of the region.
        var data = builder.data
        for m in 0..<24 { data.tmax.values[m * data.stationCount + 4] = .nan }
        let later = StationTaskBuilder(data: data)
        #expect(later.trainingStations == [0, 1])
        #expect(later.stations(.idTest) == [0, 1] && later.stations(.train) == [0, 1, 4] && later.stations(.oodTest) == [2, 3])
        let id = later.monthlyTasks(.idTest), all = later.monthlyTasks(region: .west, years: StationSplit.testYears)
        #expect(!id.contains { $0.observations.contains { $0.station == 4 } })
        #expect(all.contains { $0.observations.contains { $0.station == 4 } })
        #expect(later.windowTasks(.idTest).allSatisfy { !$0.observations.contains { $0.station == 4 } })
        let idPoints: Int = id.map(\.count).reduce(0, +), allPoints: Int = all.map(\.count).reduce(0, +)
        let stationFour: Int = all.map { task in task.observations.filter { $0.station == 4 }.count }.reduce(0, +)
        #expect(stationFour > 0 && idPoints == allPoints - stationFour)
    }

    @Test func observationsCarryTheTarget() {
        let o = builder.task(region: .east, firstMonthIndex: 2 * 12 + 5).observations
        #expect(o.map(\.station) == [2])   // station 3 has no Tmax in June 1981
        #expect(o[0].temperature == 4 + 5 + 2 + 1)
        #expect(o[0].longitude == -105.2 && o[0].latitude == 40 && o[0].elevation == 1600 && o[0].monthIndex == 29)
    }

    @Test func fourMonthWindowsStayInsideTheYears() {
        let windows = builder.windowTasks(.train)
        #expect(windows.count == 21)
        #expect(windows.first?.firstMonthIndex == 0 && windows.last?.firstMonthIndex == 20)
        #expect(windows[10].count == 2 + 2 + 3 + 3)   // months 10, 11 (two stations), 12, 13 (three)
        #expect(windows[10].observations.map(\.monthIndex) == [10, 10, 11, 11, 12, 12, 12, 13, 13, 13])
        #expect(builder.windowTasks(.idTest).last?.firstMonthIndex == 44)
    }

    @Test func standardisationUsesTrainingStatistics() {
        let z = StationStandardisation.fit(builder)
        #expect(z.observationCount == 60)
        #expect(abs(z.targetMean - 11) < 1e-12)
        #expect(abs(z.longitudeCentre + 107) < 1e-12 && abs(z.latitudeCentre - 38.2) < 1e-12)
        // Longitude in units of latitude degrees at the centre (× cos 38.2°), then one scale √((c² · 0.70 + 0.56) / 2).
        let c = Foundation.cos(38.2 * Double.pi / 180), scale = ((c * c * 0.70 + 0.56) / 2).squareRoot()
        #expect(abs(z.longitudeFactor - c) < 1e-12)
        #expect(abs(z.horizontalScale - scale) < 1e-12)
        #expect(abs(z.elevationMean - 2600) < 1e-9)
        // Mean month index: stations 0, 1 over months 0–23 (mean 11.5), station 4 over 12–23 (mean 17.5).
        #expect(abs(z.timeMean - (11.5 * 48 + 17.5 * 12) / 60) < 1e-12)
        let arrays = z.arrays4D(builder.task(region: .west, firstMonthIndex: 12))
        #expect(arrays.count == 3 && arrays.dimension == 4 && arrays.inputs.count == 12 && arrays.stations == [0, 1, 4])
        #expect(abs(Double(arrays.inputs[0]) - c / scale) < 1e-6)   // station 0: lon −106 = centre + 1
        #expect(abs(Double(arrays.inputs[2])) < 1e-6)   // a one-month task: its month is its centre
        #expect(abs(z.longitude(fromStandardised: z.longitude(-106.3)) + 106.3) < 1e-9)
        #expect(abs(Double(arrays.inputs[3]) - (2500 - 2600) / z.elevationStd) < 1e-5)
        #expect(abs(Double(arrays.targets[0]) - (4 + 0 + 0 + 0.5 - 11) / z.targetStd) < 1e-6)
        #expect(abs(z.celsius(fromStandardised: Double(arrays.targets[0])) - 4.5) < 1e-5)
        let sub = z.arrays2D(builder.task(region: .west, firstMonthIndex: 12)).subset([2, 0])
        #expect(sub.stations == [4, 0] && sub.inputs.count == 4 && sub.dimension == 2)
        #expect(abs(Double(sub.inputs[0]) - (-c / scale)) < 1e-6)
    }

    @Test func contextSizeRuleBounds() {
        #expect(ContextSizeRule.bounds(pointCount: 2) == 1...1)
        #expect(ContextSizeRule.bounds(pointCount: 60) == 1...20)
        #expect(ContextSizeRule.bounds(pointCount: 99) == 1...33)
        #expect(ContextSizeRule.bounds(pointCount: 150) == 1...50)
        #expect(ContextSizeRule.bounds(pointCount: 700) == 7...233)
    }

    @Test func contextSizeDrawsAreUniformAndSeeded() {
        var a = RandomGenerator(seed: 7, stream: StationSplit.idTest.randomStream), b = a
        let draws = (0..<6_000).map { _ in ContextSizeRule.draw(pointCount: 60, using: &a) }
        #expect(draws == (0..<6_000).map { _ in ContextSizeRule.draw(pointCount: 60, using: &b) })
        #expect(draws.min() == 1 && draws.max() == 20)
        let counts = Dictionary(grouping: draws, by: { $0 }).mapValues(\.count)
        #expect(counts.count == 20 && counts.values.allSatisfy { abs($0 - 300) < 90 })   // 300 expected per value
        var g = RandomGenerator(seed: 3)
        let (context, target) = ContextSizeRule.split(pointCount: 10, contextCount: 4, using: &g)
        #expect(context.count == 4 && target.count == 6 && Set(context + target) == Set(0..<10))
        var h = RandomGenerator(seed: 3)
        #expect(ContextSizeRule.split(pointCount: 10, contextCount: 4, using: &h).context == context)
    }

    @Test func elevationGridInterpolates() throws {
        let grid = builder.data.elevationGrid
        #expect(grid[2, 1] == 1210)
        #expect(try #require(grid.elevation(lon: -106.5, lat: 38.25)) == 1262.5)   // the grid is linear: exact
        #expect(grid.elevation(lon: -102, lat: 41) == 1740)
        #expect(grid.elevation(lon: -110, lat: 38) == nil)
        let west = try grid.cropped(longitude: -109 ... -105.2, latitude: 38 ... 40)
        #expect(west.x == [-109, -108, -107, -106] && west.y == [38, 39, 40])
        #expect(west[3, 2] == grid[3, 3] && west.z.count == 12)
        #expect(throws: StationDataError.self) { try grid.cropped(longitude: -100 ... -99, latitude: 38 ... 40) }
    }
}

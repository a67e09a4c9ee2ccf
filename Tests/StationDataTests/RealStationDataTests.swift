import Foundation
import NPTensor
import Testing
@testable import StationData

/// Tests on the real COmonthlyMet data, when `scripts/setup-station-data.sh` has been run (skipped otherwise).
/// The directory is STATION_DATA_DIR when set, else data/stations under the package root.
enum RealStationData {
    static let directory: URL = {
        if let dir = ProcessInfo.processInfo.environment["STATION_DATA_DIR"], !dir.isEmpty { return URL(fileURLWithPath: dir) }
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return packageRoot.appendingPathComponent("data/stations")
    }()
    static var isPresent: Bool { StationDataSet.isPresent(at: directory) }
    static var rda: URL { directory.appendingPathComponent("source/COmonthlyMet.rda") }
    static var rdaIsPresent: Bool { FileManager.default.fileExists(atPath: rda.path) }
}

@Suite(.enabled(if: RealStationData.isPresent, "run scripts/setup-station-data.sh first"))
struct RealStationDataTests {
    let set: StationDataSet
    let summary: StationDataSummary

    init() throws {
        set = try StationDataSet.load(from: RealStationData.directory)
        summary = StationDataSummary(set.data)
    }

    @Test func countsOfDataSpecSection2() {
        let d = set.data
        #expect(d.stationCount == 376 && d.years.first == 1895 && d.years.last == 1997 && d.monthCount == 1236)
        #expect(summary.stationMonthsWithBoth == 177_298)
        #expect(summary.stationMonthsWithEither == 178_842)
        #expect(summary.westStations == 228 && summary.eastStations == 148)
        #expect(summary.medianElevationWest.rounded() == 2404 && summary.medianElevationEast.rounded() == 1432)
        #expect(summary.elevationRange == 811...3537)
        #expect(summary.longitudeRange.lowerBound > -109.5 && summary.longitudeRange.upperBound < -101)
        #expect(summary.latitudeRange.lowerBound > 36.5 && summary.latitudeRange.upperBound < 41.5)
        #expect(summary.monthsWithFiftyEachSide == 804)
        #expect(summary.minimumWestFrom1935 == 58 && summary.minimumEastFrom1935 == 60)
        #expect(summary.medianWestTraining == 94 && summary.medianWestTest == 155 && summary.medianEastTest == 98)
        #expect(summary.stationsWithTwentyYears == 248)
        #expect(summary.elevationGridSize == (205, 119) ? true : false)
        #expect(summary.elevationGridMissing == 0)
        #expect(d.stationIDs[0] == "028468" && d.stationNames[1] == "AKRON 4 E   ")
    }

    @Test func splitSizesOfDataSpecSection6() {
        #expect(summary.monthsPerSplit[.train] == 552 && summary.monthsPerSplit[.idTest] == 204 && summary.monthsPerSplit[.oodTest] == 204)
        #expect(summary.windowsPerSplit[.train] == 549 && summary.windowsPerSplit[.idTest] == 201 && summary.windowsPerSplit[.oodTest] == 201)
        #expect(summary.observationsPerSplit[.train] == 52_676)
        // ID test: the 158 training stations only (30,069 station-months with every west station; Docs/station-data.md §6).
        #expect(summary.observationsPerSplit[.idTest] == 21_793 && summary.observationsPerSplit[.oodTest] == 19_584)
        let builder = StationTaskBuilder(data: set.data)
        let twoD = builder.monthlyTasks(.train).map(\.count)
        #expect(twoD.min()! >= 58 && twoD.max()! <= 180)   // Docs/station-data.md §5.3: about 60–180
        let fourD = builder.windowTasks(.idTest).map(\.count)
        #expect(fourD.max()! < 1024)   // always below the paper's N ≤ 1024 (Docs/station-data.md §5.4)
        // Every west station lies in the open training box of Docs/station-data.md §5.6.
        #expect(StationRegion.west.stations(of: set.data).allSatisfy {
            TrainingDomain.contains(longitude: set.data.longitude[$0], latitude: set.data.latitude[$0])
        })
    }

    @Test func trainingStandardisationIsPlausible() {
        let z = StationStandardisation.fit(StationTaskBuilder(data: set.data))
        #expect(z.observationCount == 52_676)
        #expect(z.longitudeCentre > -109.5 && z.longitudeCentre < -105.2 && z.latitudeCentre > 36.5 && z.latitudeCentre < 41.5)
        #expect(z.targetMean > 0 && z.targetMean < 12 && z.targetStd > 5 && z.targetStd < 12)   // °C, mountains
        #expect(z.elevationMean > 2000 && z.elevationMean < 2800)
        // Months since January 1895: mid-1958 ± a few years (more stations report later in the period).
        #expect(abs(z.timeMean - Double(StationTaskBuilder(data: set.data).monthIndex(year: 1958, month: 7))) < 48)
        #expect(abs(z.timeStd - 552 / 12.0.squareRoot()) < 20)   // near the uniform's 552/√12 ≈ 159
    }

    @Test func elevationGridMatchesTheStations() {
        // The 4 km grid and the station elevations agree to within a few hundred metres on average.
        let d = set.data
        let errors = (0..<d.stationCount).compactMap { s in d.elevationGrid.elevation(lon: d.longitude[s], lat: d.latitude[s]).map { abs($0 - d.elevation[s]) } }
        #expect(errors.count > 370)
        #expect(errors.reduce(0, +) / Double(errors.count) < 200)
    }

    @Test(.enabled(if: RealStationData.rdaIsPresent)) func convertedFilesEqualAFreshRead() throws {
        let fresh = try ColoradoMonthlyMet(rdata: try RDataFile.read(contentsOf: RealStationData.rda))
        #expect(fresh == set.data)
        #expect(set.manifest.source.checksumsMatchExpected == true && set.manifest.source.warnings.isEmpty)
    }
}

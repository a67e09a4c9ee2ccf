import Environment
import Foundation
import StationData
import Testing

/// The experiment's task material on the real COmonthlyMet data, when scripts/setup-station-data.sh has run
/// (Docs/station-data.md §2.4, §5.4, §6): month and window counts per split, every station on its side of the box.
enum RealEnvironmentData {
    static let directory: URL = {
        if let dir = ProcessInfo.processInfo.environment["STATION_DATA_DIR"], !dir.isEmpty { return URL(fileURLWithPath: dir) }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("data/stations")
    }()
    static var isPresent: Bool { StationDataSet.isPresent(at: directory) }
}

@Suite(.enabled(if: RealEnvironmentData.isPresent, "run scripts/setup-station-data.sh first"))
struct RealEnvironmentDataTests {
    @Test func splitsHaveThePaperCounts() throws {
        let d = try EnvironmentData.load(from: RealEnvironmentData.directory)
        #expect(d.tasks(.train, dimension: 2).count == 552 && d.tasks(.idTest, dimension: 2).count == 204 && d.tasks(.oodTest, dimension: 2).count == 204)
        #expect(d.tasks(.train, dimension: 4).count == 549 && d.tasks(.idTest, dimension: 4).count == 201 && d.tasks(.oodTest, dimension: 4).count == 201)
        #expect(d.tasks(.train, dimension: 2).map(\.count).min()! >= 58 && d.tasks(.oodTest, dimension: 2).map(\.count).min()! >= 60)
        let box = d.fixedInputDomain(dimension: 2), s = d.standardisation
        for i in 0..<d.data.stationCount {
            let x: [Float] = [Float(s.longitude(d.data.longitude[i])), Float(s.latitude(d.data.latitude[i]))]
            #expect(box.contains(x[...]) == StationRegion.west.contains(longitude: d.data.longitude[i]))
        }
    }
}

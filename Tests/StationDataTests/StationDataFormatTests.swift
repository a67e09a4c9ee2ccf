import Foundation
import Testing
@testable import StationData

@Suite struct StationDataFormatTests {
    private func converted() throws -> (URL, StationDataManifest) {
        let dir = try SyntheticStationData.temporaryDirectory()
        let data = try ColoradoMonthlyMet(rdata: try RDataFile.parse(try SyntheticStationData.rdaData()))
        let provenance = StationDataManifest.Provenance(packageVersion: "0-test", debSHA256: "aa", expectedDebSHA256: "aa",
                                                         rdaFile: "synthetic.rda", rdaSHA256: "bb", expectedRDASHA256: "cc",
                                                         warnings: ["sha256 of the .rda differs"])
        return (dir, try StationDataWriter.write(data, provenance: provenance, to: dir))
    }

    private func expectUnavailable(_ dir: URL, mentioning text: String) {
        #expect {
            try StationDataSet.load(from: dir)
        } throws: { error in
            guard let e = error as? StationDataError, case .dataSetUnavailable(let m) = e else { return false }
            return m.contains(text) && e.description.contains("scripts/setup-station-data.sh")
        }
    }

    @Test func writeThenLoadGivesTheSameData() throws {
        let (dir, manifest) = try converted()
        defer { try? FileManager.default.removeItem(at: dir) }
        let set = try StationDataSet.load(from: dir)
        #expect(set.data == (try SyntheticStationData.expected()))
        #expect(set.manifest == manifest)
        #expect(manifest.formatVersion == 1 && manifest.format == "aenp-station-data")
        #expect(manifest.counts.stations == 5 && manifest.counts.years == 4 && manifest.counts.months == 48)
        #expect(manifest.counts.firstYear == 1979 && manifest.counts.lastYear == 1982)
        #expect(manifest.counts.stationMonthsWithTmaxAndTmin == 224 && manifest.counts.stationMonthsWithTmaxOrTmin == 237)
        #expect(manifest.counts.elevationGridX == 8 && manifest.counts.elevationGridY == 5)
        #expect(manifest.source.checksumsMatchExpected == false)
        #expect(manifest.source.warnings == ["sha256 of the .rda differs"])
        #expect(manifest.entry("tmax")?.shape == [4, 12, 5] && manifest.entry("tmax")?.bytes == 4 * 12 * 5 * 8)
        #expect(manifest.entry("elevation-grid-z")?.shape == [5, 8])
        // The binary layout is what the documentation says: float64 little-endian, station fastest.
        let raw = try Data(contentsOf: dir.appendingPathComponent("tmax.f64"))
        let values = LittleEndianArrays.decodeDoubles(raw)
        #expect(values[(2 * 12 + 7) * 5 + 3] == SyntheticStationData.tmax(2, 7, 3))
        #expect(raw[8..<16] == Data([0, 0, 0, 0, 0, 0, 0x26, 0x40]))   // 11.0 = 0x4026000000000000, little-endian
        // No temporary files are left behind.
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(names.filter { $0.hasPrefix(".") }.isEmpty && names.count == 11)
    }

    @Test func missingDirectoryNamesTheFixCommand() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-station-data-\(UUID().uuidString)")
        expectUnavailable(dir, mentioning: "no manifest.json")
        #expect(!StationDataSet.isPresent(at: dir))
    }

    @Test func missingTruncatedAndCorruptFilesAreReported() throws {
        let (dir, _) = try converted()
        defer { try? FileManager.default.removeItem(at: dir) }
        let tmin = dir.appendingPathComponent("tmin.f64")
        var original = try Data(contentsOf: tmin)
        try original.prefix(100).write(to: tmin)
        expectUnavailable(dir, mentioning: "has 100 bytes, the manifest says 1920 (truncated or replaced)")
        original[17] ^= 0x01
        try original.write(to: tmin)
        expectUnavailable(dir, mentioning: "(corrupt)")
        try FileManager.default.removeItem(at: tmin)
        expectUnavailable(dir, mentioning: "tmin.f64 is missing")
    }

    @Test func otherFormatVersionsAreRejected() throws {
        let (dir, manifest) = try converted()
        defer { try? FileManager.default.removeItem(at: dir) }
        var newer = manifest
        newer.formatVersion = 2
        try JSONEncoder().encode(newer).write(to: dir.appendingPathComponent("manifest.json"))
        expectUnavailable(dir, mentioning: "version 2; this code reads aenp-station-data version 1")
        try Data("{not json".utf8).write(to: dir.appendingPathComponent("manifest.json"))
        expectUnavailable(dir, mentioning: "is not a valid manifest")
    }

    @Test func rewritingReplacesTheOldData() throws {
        let (dir, _) = try converted()
        defer { try? FileManager.default.removeItem(at: dir) }
        var changed = try SyntheticStationData.expected()
        changed.elevation[0] = 2501
        try StationDataWriter.write(changed, provenance: .init(rdaFile: "x.rda"), to: dir)
        let set = try StationDataSet.load(from: dir)
        #expect(set.data.elevation[0] == 2501)
        #expect(set.manifest.source.checksumsMatchExpected == false && set.manifest.source.debSHA256 == nil)
    }
}

import AtomicFile
import Foundation

/// Writes the converted data set in the local format (Docs/station-data-format.md): one binary or JSON file
/// per array, each written atomically, and `manifest.json` last. The old manifest is removed first, so a
/// reader that runs during a conversion finds "missing", never a mix of old and new files.
public enum StationDataWriter {
    struct StationStrings: Codable, Equatable {
        var ids: [String]
        var names: [String]
    }

    @discardableResult
    public static func write(_ data: ColoradoMonthlyMet, provenance: StationDataManifest.Provenance,
                             to directory: URL) throws -> StationDataManifest {
        let fm = FileManager.default
        try fm.createDirectory(at: directory, withIntermediateDirectories: true)
        let manifestURL = directory.appendingPathComponent(StationDataManifest.fileName)
        if fm.fileExists(atPath: manifestURL.path) { try fm.removeItem(at: manifestURL) }

        let s = data.stationCount, y = data.years.count
        let nx = data.elevationGrid.x.count, ny = data.elevationGrid.y.count
        let cubeLayout = "row-major [year][month][station], station fastest: index = (year * 12 + month) * \(s) + station; NaN = missing"
        let vector = "one value per station, in station order"
        var entries = [StationDataManifest.FileEntry]()
        func add(_ name: String, _ file: String, _ type: String, _ shape: [Int], _ layout: String, _ bytes: Data) throws {
            try writeAtomically(bytes, to: directory.appendingPathComponent(file))
            entries.append(.init(name: name, file: file, type: type, shape: shape, layout: layout, bytes: bytes.count,
                                 crc32: String(format: "%08x", Gzip.crc32(bytes))))
        }
        try add("tmax", "tmax.f64", "float64le", [y, 12, s], cubeLayout + "; °C, monthly mean of daily maxima",
                LittleEndianArrays.encode(data.tmax.values))
        try add("tmin", "tmin.f64", "float64le", [y, 12, s], cubeLayout + "; °C, monthly mean of daily minima",
                LittleEndianArrays.encode(data.tmin.values))
        try add("station-longitude", "station-longitude.f64", "float64le", [s], vector + "; degrees east",
                LittleEndianArrays.encode(data.longitude))
        try add("station-latitude", "station-latitude.f64", "float64le", [s], vector + "; degrees north",
                LittleEndianArrays.encode(data.latitude))
        try add("station-elevation", "station-elevation.f64", "float64le", [s], vector + "; metres",
                LittleEndianArrays.encode(data.elevation))
        try add("years", "years.i32", "int32le", [y], "calendar years of the cube's first axis",
                LittleEndianArrays.encode(data.years.map { Int32($0) }))
        try add("elevation-grid-x", "elevation-grid-x.f64", "float64le", [nx], "grid longitudes, ascending",
                LittleEndianArrays.encode(data.elevationGrid.x))
        try add("elevation-grid-y", "elevation-grid-y.f64", "float64le", [ny], "grid latitudes, ascending",
                LittleEndianArrays.encode(data.elevationGrid.y))
        try add("elevation-grid-z", "elevation-grid-z.f64", "float64le", [ny, nx],
                "row-major [y][x], x fastest: index = j * \(nx) + i is the elevation in metres at (x[i], y[j])",
                LittleEndianArrays.encode(data.elevationGrid.z))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try add("stations", "stations.json", "json", [s], "{\"ids\": [...], \"names\": [...]} in station order (names keep R's trailing spaces)",
                try encoder.encode(StationStrings(ids: data.stationIDs, names: data.stationNames)))

        let manifest = StationDataManifest(
            format: StationDataManifest.formatName, formatVersion: StationDataManifest.currentFormatVersion,
            source: provenance,
            counts: .init(stations: s, years: y, firstYear: data.years.first ?? 0, lastYear: data.years.last ?? 0,
                          months: data.monthCount, stationMonthsWithTmaxAndTmin: data.bothPresentCount,
                          stationMonthsWithTmaxOrTmin: data.eitherPresentCount, elevationGridX: nx, elevationGridY: ny),
            files: entries)
        try writeAtomically(try encoder.encode(manifest), to: manifestURL)
        return manifest
    }
}

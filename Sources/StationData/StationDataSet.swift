import Foundation

/// The converted COmonthlyMet data set, loaded from the local format and checked against its manifest.
public struct StationDataSet: Sendable {
    public let directory: URL
    public let manifest: StationDataManifest
    public let data: ColoradoMonthlyMet

    /// `data/stations` relative to the current directory, or the directory in `STATION_DATA_DIR` when set.
    public static var defaultDirectory: URL {
        if let dir = ProcessInfo.processInfo.environment["STATION_DATA_DIR"], !dir.isEmpty {
            return URL(fileURLWithPath: dir)
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("data/stations")
    }

    /// True when the directory holds a manifest (it may still fail the checks of `load`).
    public static func isPresent(at directory: URL = defaultDirectory) -> Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent(StationDataManifest.fileName).path)
    }

    /// Loads and checks every file (size, CRC-32, shape). Missing, truncated or corrupt files throw
    /// `StationDataError.dataSetUnavailable`, whose message names `scripts/setup-station-data.sh`.
    public static func load(from directory: URL = defaultDirectory) throws -> StationDataSet {
        let manifestURL = directory.appendingPathComponent(StationDataManifest.fileName)
        guard let manifestData = FileManager.default.contents(atPath: manifestURL.path) else {
            throw StationDataError.dataSetUnavailable("no \(StationDataManifest.fileName) in \(directory.path)")
        }
        let manifest: StationDataManifest
        do { manifest = try JSONDecoder().decode(StationDataManifest.self, from: manifestData) } catch {
            throw StationDataError.dataSetUnavailable("\(manifestURL.path) is not a valid manifest (\(error))")
        }
        guard manifest.format == StationDataManifest.formatName,
              manifest.formatVersion == StationDataManifest.currentFormatVersion else {
            throw StationDataError.dataSetUnavailable(
                "\(manifestURL.path) is format \(manifest.format) version \(manifest.formatVersion); this code reads "
                    + "\(StationDataManifest.formatName) version \(StationDataManifest.currentFormatVersion)")
        }
        let reader = CheckedFileReader(directory: directory, manifest: manifest)
        let strings = try JSONDecoder().decode(StationDataWriter.StationStrings.self, from: try reader.bytes("stations"))
        let years = try reader.int32s("years").map(Int.init)
        let s = strings.ids.count
        let data = try ColoradoMonthlyMet(
            years: years, stationIDs: strings.ids, stationNames: strings.names,
            longitude: try reader.doubles("station-longitude"), latitude: try reader.doubles("station-latitude"),
            elevation: try reader.doubles("station-elevation"),
            tmax: MonthlyCube(yearCount: years.count, stationCount: s, values: try reader.doubles("tmax", count: years.count * 12 * s)),
            tmin: MonthlyCube(yearCount: years.count, stationCount: s, values: try reader.doubles("tmin", count: years.count * 12 * s)),
            elevationGrid: try ElevationGrid(x: try reader.doubles("elevation-grid-x"), y: try reader.doubles("elevation-grid-y"),
                                             z: try reader.doubles("elevation-grid-z")))
        guard data.stationCount == manifest.counts.stations, data.years.count == manifest.counts.years else {
            throw StationDataError.dataSetUnavailable("the files hold \(data.stationCount) stations and \(data.years.count) years, "
                + "the manifest says \(manifest.counts.stations) and \(manifest.counts.years)")
        }
        return StationDataSet(directory: directory, manifest: manifest, data: data)
    }
}

/// Reads the files of a manifest, checking each one's presence, size, CRC-32 and shape.
struct CheckedFileReader {
    let directory: URL
    let manifest: StationDataManifest

    func bytes(_ name: String) throws -> Data {
        guard let entry = manifest.entry(name) else {
            throw StationDataError.dataSetUnavailable("the manifest lists no file \"\(name)\"")
        }
        let url = directory.appendingPathComponent(entry.file)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw StationDataError.dataSetUnavailable("\(url.path) is missing")
        }
        guard data.count == entry.bytes else {
            throw StationDataError.dataSetUnavailable("\(url.path) has \(data.count) bytes, the manifest says \(entry.bytes) (truncated or replaced)")
        }
        let crc = String(format: "%08x", Gzip.crc32(data))
        guard crc == entry.crc32.lowercased() else {
            throw StationDataError.dataSetUnavailable("\(url.path) has CRC-32 \(crc), the manifest says \(entry.crc32) (corrupt)")
        }
        return data
    }

    private func checkedShape(_ name: String, elementSize: Int, type: String, count: Int?) throws -> Data {
        let data = try bytes(name)
        let entry = manifest.entry(name)!
        let elements = entry.shape.reduce(1, *)
        guard entry.type == type, elements * elementSize == data.count, count == nil || count == elements else {
            throw StationDataError.dataSetUnavailable(
                "\(entry.file) is \(entry.type) with shape \(entry.shape) and \(data.count) bytes; expected \(type)"
                    + (count.map { " with \($0) elements" } ?? ""))
        }
        return data
    }

    func doubles(_ name: String, count: Int? = nil) throws -> [Double] {
        LittleEndianArrays.decodeDoubles(try checkedShape(name, elementSize: 8, type: "float64le", count: count))
    }

    func int32s(_ name: String) throws -> [Int32] {
        LittleEndianArrays.decodeInt32s(try checkedShape(name, elementSize: 4, type: "int32le", count: nil))
    }
}

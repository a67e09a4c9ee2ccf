import Foundation

/// An R workspace file (`.rda` / `.RData`, as written by `save()`): the named objects it holds, in order.
///
/// Layout: optional gzip, then the magic "RDX2\n" or "RDX3\n", then one XDR serialisation (version 2 or 3)
/// whose item is a pairlist tagging each object with its name.
public struct RDataFile: Sendable {
    public let formatVersion: Int
    public let objects: [RPairlistEntry]

    public init(formatVersion: Int, objects: [RPairlistEntry]) {
        self.formatVersion = formatVersion
        self.objects = objects
    }

    /// The object with this name.
    public subscript(name: String) -> RObject? {
        objects.first { $0.tag == name }?.value
    }

    public var names: [String] { objects.compactMap(\.tag) }

    /// Reads a workspace file from disk.
    public static func read(contentsOf url: URL) throws -> RDataFile {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw StationDataError.dataSetUnavailable("cannot read \(url.path): \(error.localizedDescription)")
        }
        return try parse(data)
    }

    /// Parses the bytes of a workspace file (gzip-compressed or not).
    public static func parse(_ data: Data) throws -> RDataFile {
        let bytes = try decompressIfNeeded(data)
        let magic = [UInt8](bytes.prefix(5))
        let version: Int
        switch magic {
        case Array("RDX2\n".utf8): version = 2
        case Array("RDX3\n".utf8): version = 3
        default:
            let shown = String(decoding: magic, as: UTF8.self).debugDescription
            throw StationDataError.badMagic("the file starts with \(shown), expected \"RDX2\\n\" or \"RDX3\\n\"")
        }
        var reader = RSerializationReader(bytes, offset: 5)
        let streamVersion = try reader.readHeader()
        guard streamVersion == version else {
            throw StationDataError.malformedSerialization("magic RDX\(version) but serialisation version \(streamVersion)")
        }
        let top = try reader.readItem()
        switch top.value {
        case .pairlist(let entries): return RDataFile(formatVersion: version, objects: entries)
        case .null: return RDataFile(formatVersion: version, objects: [])
        default:
            throw StationDataError.malformedSerialization("the workspace is a \(top.typeName), expected a pairlist")
        }
    }

    private static func decompressIfNeeded(_ data: Data) throws -> Data {
        if Gzip.isGzip(data) { return try Gzip.decompress(data) }
        let head = [UInt8](data.prefix(6))
        if head.starts(with: Array("BZh".utf8)) {
            throw StationDataError.unsupportedCompression("bzip2 (re-save with save(..., compress = \"gzip\"))")
        }
        if head.starts(with: [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) {
            throw StationDataError.unsupportedCompression("xz (re-save with save(..., compress = \"gzip\"))")
        }
        return data
    }
}

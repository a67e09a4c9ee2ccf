/// The manifest (`manifest.json`) of the converted station data set: format version, provenance, counts and
/// one entry per data file with its size and CRC-32. Documented in Docs/station-data-format.md.
public struct StationDataManifest: Codable, Equatable, Sendable {
    /// Bumped whenever a file, layout or field changes meaning; the loader rejects other versions.
    public static let currentFormatVersion = 1
    public static let formatName = "aenp-station-data"
    public static let fileName = "manifest.json"

    public var format: String
    public var formatVersion: Int
    public var source: Provenance
    public var counts: Counts
    public var files: [FileEntry]

    /// Where the data came from (Docs/station-data.md §2.2), as recorded by the set-up script.
    public struct Provenance: Codable, Equatable, Sendable {
        public var package: String
        public var packageVersion: String?
        public var debFile: String?
        public var debSHA256: String?
        public var expectedDebSHA256: String?
        public var rdaFile: String
        public var rdaSHA256: String?
        public var expectedRDASHA256: String?
        /// True when both checksums were computed and equal the expected ones.
        public var checksumsMatchExpected: Bool
        /// Mismatches and other set-up warnings (a Debian update changes the checksums: recorded, not fatal).
        public var warnings: [String]
        public var licence: String
        public var origin: String
        /// The R objects converted.
        public var objects: [String]

        public init(package: String = "r-cran-fields", packageVersion: String? = nil, debFile: String? = nil,
                    debSHA256: String? = nil, expectedDebSHA256: String? = nil, rdaFile: String,
                    rdaSHA256: String? = nil, expectedRDASHA256: String? = nil, warnings: [String] = [],
                    licence: String = "GPL-2+ (Debian package r-cran-fields)",
                    origin: String = "subset of the US monthly record (NCDC cooperative network / USHCN) assembled by D. Nychka (NCAR/IMAGe); R package fields, data set COmonthlyMet",
                    objects: [String] = ["CO.tmax", "CO.tmin", "CO.loc", "CO.elev", "CO.id", "CO.names", "CO.years", "CO.elevGrid"]) {
            self.package = package
            self.packageVersion = packageVersion
            self.debFile = debFile
            self.debSHA256 = debSHA256
            self.expectedDebSHA256 = expectedDebSHA256
            self.rdaFile = rdaFile
            self.rdaSHA256 = rdaSHA256
            self.expectedRDASHA256 = expectedRDASHA256
            self.checksumsMatchExpected = debSHA256 != nil && rdaSHA256 != nil
                && debSHA256 == expectedDebSHA256 && rdaSHA256 == expectedRDASHA256
            self.warnings = warnings
            self.licence = licence
            self.origin = origin
            self.objects = objects
        }
    }

    public struct Counts: Codable, Equatable, Sendable {
        public var stations: Int
        public var years: Int
        public var firstYear: Int
        public var lastYear: Int
        public var months: Int
        public var stationMonthsWithTmaxAndTmin: Int
        public var stationMonthsWithTmaxOrTmin: Int
        public var elevationGridX: Int
        public var elevationGridY: Int
    }

    /// One data file: a little-endian binary array (`float64le`, `int32le`) or a JSON document (`json`).
    public struct FileEntry: Codable, Equatable, Sendable {
        public var name: String
        public var file: String
        public var type: String
        public var shape: [Int]
        public var layout: String
        public var bytes: Int
        /// CRC-32 (gzip polynomial) of the file, 8 lower-case hex digits.
        public var crc32: String
    }

    public func entry(_ name: String) -> FileEntry? { files.first { $0.name == name } }
}

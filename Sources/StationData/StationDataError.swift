import Foundation

/// Every error of the station-data library. Messages say what is wrong and, for the converted data set, the
/// command that fixes it.
public enum StationDataError: Error, CustomStringConvertible, Equatable {
    /// The gzip layer is truncated or corrupt.
    case corruptCompression(String)
    /// The file is compressed with something other than gzip (R can also write bzip2 and xz).
    case unsupportedCompression(String)
    /// The bytes do not start with an R workspace or serialisation header.
    case badMagic(String)
    /// The serialisation stream is malformed or ends early.
    case malformedSerialization(String)
    /// A SEXP type this reader does not implement.
    case unsupportedSEXPType(code: Int, name: String)
    /// An R object does not have the shape the COmonthlyMet conversion needs.
    case unexpectedObject(String)
    /// The converted data set is missing or does not match its manifest.
    case dataSetUnavailable(String)

    /// The command that (re)creates the converted data set.
    public static let setupCommand = "scripts/setup-station-data.sh"

    public var description: String {
        switch self {
        case .corruptCompression(let m): return "corrupt compressed data: \(m)"
        case .unsupportedCompression(let m): return "unsupported compression: \(m)"
        case .badMagic(let m): return "not an R data file: \(m)"
        case .malformedSerialization(let m): return "malformed R serialisation: \(m)"
        case .unsupportedSEXPType(let code, let name):
            return "unsupported R SEXP type \(code) (\(name)); this reader implements the types numeric data sets use"
        case .unexpectedObject(let m): return "unexpected R object: \(m)"
        case .dataSetUnavailable(let m):
            return "station data unavailable: \(m). Run `\(StationDataError.setupCommand)` to (re)create it"
        }
    }
}

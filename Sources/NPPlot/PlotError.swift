/// Why a figure could not be built or written. Every case names the offending mark or path.
public enum PlotError: Error, CustomStringConvertible, Equatable {
    case emptySeries(String)
    case lengthMismatch(String)
    case nonFinite(String)
    case invalidArgument(String)
    case writeFailed(String)

    public var description: String {
        switch self {
        case .emptySeries(let s): return "empty series: \(s)"
        case .lengthMismatch(let s): return "mismatched lengths: \(s)"
        case .nonFinite(let s): return "non-finite values (NaN or infinity): \(s)"
        case .invalidArgument(let s): return "invalid argument: \(s)"
        case .writeFailed(let s): return "cannot write figure: \(s)"
        }
    }
}

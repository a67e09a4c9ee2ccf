import ArgumentParser

/// The documented ranges of numeric options, checked before any work starts (a usage error, exit status 64, names
/// the option, the value and the range).
public enum OptionRange {
    /// B, the number of fixed inputs: the paper uses up to D_z = 128; beyond 1,024 a model's fixed-input layers
    /// alone would outgrow the memory of the machines this reproduction is meant for.
    public static let fixedInputs = 0...1_024
    /// A dropout probability: 1 would drop every task's fixed inputs.
    public static let dropout = 0.0...0.99

    public static func check<T: Comparable>(_ value: T?, in range: ClosedRange<T>, _ option: String) throws {
        guard let value else { return }
        guard range.contains(value) else { throw ValidationError("\(option) must be in \(range.lowerBound)…\(range.upperBound), got \(value)") }
    }

    /// A finite number in `range` (NaN and infinities are refused by name).
    public static func check(_ value: Double?, in range: ClosedRange<Double>, _ option: String) throws {
        guard let value else { return }
        guard value.isFinite, range.contains(value) else {
            throw ValidationError("\(option) must be a number in \(range.lowerBound)…\(range.upperBound), got \(value)")
        }
    }
}

/// The floating-point types the simulator runs in (Float and Double). The requirement exists because the
/// generic `Int(_: some BinaryFloatingPoint)` is not specialised and took a third of the run time; the concrete
/// conversions compile to one instruction.
public protocol SmokeScalar: BinaryFloatingPoint {
    /// Int(self): truncation toward zero; self must be finite and within the range of Int.
    var truncatedInt: Int { get }
}

extension Float: SmokeScalar {
    @inlinable public var truncatedInt: Int { Int(self) }
}

extension Double: SmokeScalar {
    @inlinable public var truncatedInt: Int { Int(self) }
}

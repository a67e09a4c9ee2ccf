import NPTensor

/// A node of the computation: a value, and (when it takes part in differentiation) its gradient.
///
/// Leaves are made by the caller: parameters (`requiresGrad: true`, gradients persist across steps until
/// the optimiser zeroes them) and data (`requiresGrad: false`). Every other variable is the result of an
/// operation on a `Tape`, which records how to send its gradient back to its inputs.
public final class Variable: @unchecked Sendable {
    public internal(set) var value: Tensor
    public let requiresGrad: Bool
    /// Gradient storage; empty until something adds to it.
    public internal(set) var gradStorage: [Float] = []

    public init(_ value: Tensor, requiresGrad: Bool = false) {
        self.value = value
        self.requiresGrad = requiresGrad
    }

    public var shape: [Int] { value.shape }
    public var scalars: [Float] { value.scalars }

    /// The accumulated gradient (zeros if none has arrived).
    public var grad: Tensor {
        Tensor(shape: value.shape, scalars: gradStorage.isEmpty ? [Float](repeating: 0, count: value.count) : gradStorage)
    }

    /// Whether any gradient has been accumulated.
    public var hasGrad: Bool { !gradStorage.isEmpty }

    /// Allocates the gradient (zeros) if needed and passes a pointer to it.
    public func withGrad<R>(_ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows -> R {
        if gradStorage.isEmpty { gradStorage = [Float](repeating: 0, count: value.count) }
        return try gradStorage.withUnsafeMutableBufferPointer { try body($0.baseAddress!) }
    }

    /// Passes a pointer to the gradient and whether it is new. A new gradient is not zero-filled: `body` must then
    /// write every element, as `0 + term` (what adding into zeros gives, signed zeros included, so the result is bit
    /// for bit that of `withGrad`); otherwise it adds into it. For ops whose backward pass gives every element of the
    /// input's gradient exactly one term: it saves the pass that zero-fills each new gradient.
    public func withGradToOverwriteOrAdd<R>(_ body: (UnsafeMutablePointer<Float>, _ new: Bool) throws -> R) rethrows -> R {
        let new = gradStorage.isEmpty
        if new { gradStorage = [Float](unsafeUninitializedCapacity: value.count) { _, n in n = value.count } }
        return try gradStorage.withUnsafeMutableBufferPointer { try body($0.baseAddress!, new) }
    }

    /// Adds `delta` (same element count) into the gradient.
    public func accumulateGrad(_ delta: [Float]) {
        require(delta.count == value.count, "gradient of \(delta.count) values for a variable of shape \(shape)")
        if gradStorage.isEmpty { gradStorage = delta; return }
        gradStorage.withUnsafeMutableBufferPointer { g in
            delta.withUnsafeBufferPointer { d in for i in 0..<d.count { g[i] += d[i] } }
        }
    }

    /// Sets the gradient to zero, keeping its buffer.
    public func zeroGrad() {
        if !gradStorage.isEmpty { gradStorage.withUnsafeMutableBufferPointer { $0.update(repeating: 0) } }
    }

    /// Replaces the value (for optimisers and checkpoint loading); the shape must not change.
    public func assign(_ newValue: Tensor) {
        require(newValue.shape == value.shape, "assigning shape \(newValue.shape) to a variable of shape \(value.shape)")
        value = newValue
    }

    /// Mutable access to the value's scalars (for optimisers).
    public func withMutableScalars<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        try value.scalars.withUnsafeMutableBufferPointer { try body($0) }
    }
}

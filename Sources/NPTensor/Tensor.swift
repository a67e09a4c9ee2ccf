/// A dense, row-major Float32 array with a shape.
///
/// `Tensor` is a plain value: storage is a Swift array, so copies are copy-on-write and a tensor can be
/// sent between threads. Layout conventions used across the project (see `Docs/conventions.md`):
/// sets are `[m, n, d]` (tasks, points, features); grids are channels-last, `[m, g, c]` in 1-D and
/// `[m, h, w, c]` in 2-D.
public struct Tensor: Sendable, Equatable, CustomStringConvertible {
    public var shape: [Int]
    public var scalars: [Float]

    /// A tensor holding `scalars` in row-major order; `scalars.count` must equal the product of `shape`.
    public init(shape: [Int], scalars: [Float]) {
        require(shape.allSatisfy { $0 >= 0 }, "negative dimension in shape \(shape)")
        require(shape.reduce(1, *) == scalars.count,
                     "shape \(shape) needs \(shape.reduce(1, *)) scalars, got \(scalars.count)")
        self.shape = shape
        self.scalars = scalars
    }

    /// A tensor filled with one value.
    public init(repeating value: Float, shape: [Int]) {
        self.init(shape: shape, scalars: [Float](repeating: value, count: shape.reduce(1, *)))
    }

    /// Zeros of the given shape.
    public static func zeros(_ shape: [Int]) -> Tensor { Tensor(repeating: 0, shape: shape) }

    /// A rank-0 tensor.
    public init(scalar: Float) { self.init(shape: [], scalars: [scalar]) }

    public var count: Int { scalars.count }
    public var rank: Int { shape.count }

    /// The single value of a tensor with one element.
    public var scalar: Float {
        require(scalars.count == 1, "scalar of a tensor with shape \(shape)")
        return scalars[0]
    }

    /// The same scalars under another shape with the same number of elements.
    public func reshaped(_ newShape: [Int]) -> Tensor { Tensor(shape: newShape, scalars: scalars) }

    public var description: String { "Tensor(shape: \(shape), scalars: \(scalars.prefix(8))\(count > 8 ? "…" : ""))" }
}

/// Row-major strides of a shape.
@inlinable
public func stridesOf(_ shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    var acc = 1
    for i in stride(from: shape.count - 1, through: 0, by: -1) { strides[i] = acc; acc *= shape[i] }
    return strides
}

/// Splits `shape` around `axis` into (product before, size of axis, product after).
@inlinable
public func splitAroundAxis(_ shape: [Int], _ axis: Int) -> (outer: Int, n: Int, inner: Int) {
    require(axis >= 0 && axis < shape.count, "axis \(axis) out of range for shape \(shape)")
    let outer = shape[..<axis].reduce(1, *)
    let inner = shape[(axis + 1)...].reduce(1, *)
    return (outer, shape[axis], inner)
}

/// Normalises a possibly negative axis index.
@inlinable
public func normaliseAxis(_ axis: Int, rank: Int) -> Int {
    let a = axis < 0 ? axis + rank : axis
    require(a >= 0 && a < rank, "axis \(axis) out of range for rank \(rank)")
    return a
}

/// An array of `count` floats whose contents are unspecified, for outputs that a kernel overwrites
/// completely (saves the zero-filling pass of `Array(repeating:count:)`).
@inlinable
public func uninitializedFloats(_ count: Int) -> [Float] {
    [Float](unsafeUninitializedCapacity: count) { _, n in n = count }
}

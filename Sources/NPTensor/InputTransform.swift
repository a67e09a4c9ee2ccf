/// An affine map of input space, x ↦ Q·x + t with Q orthogonal: the group actions under which the models'
/// symmetries are stated and tested, in any input dimension — translations, the reflection x ↦ −x of the
/// line, the 90° rotations and axis reflections of the plane (the dihedral group D4 of the square lattice),
/// and their compositions.
public struct InputTransform: Sendable, Equatable, CustomStringConvertible {
    /// Q, row-major `[dx, dx]`.
    public let matrix: [Double]
    /// t, `[dx]`.
    public let offset: [Double]
    public let name: String

    public var dimension: Int { offset.count }

    public init(matrix: [Double], offset: [Double], name: String) {
        let d = offset.count
        require(matrix.count == d * d, "a \(d)-D transform needs a \(d)×\(d) matrix, got \(matrix.count) entries")
        // Q must be orthogonal: QᵀQ = I.
        for i in 0..<d { for j in 0..<d {
            let dot = (0..<d).reduce(0.0) { $0 + matrix[$1 * d + i] * matrix[$1 * d + j] }
            require(abs(dot - (i == j ? 1 : 0)) < 1e-9, "the matrix of \(name) is not orthogonal")
        } }
        self.matrix = matrix; self.offset = offset; self.name = name
    }

    public static func identity(dimension d: Int) -> InputTransform {
        InputTransform(matrix: (0..<(d * d)).map { $0 / d == $0 % d ? 1 : 0 }, offset: .init(repeating: 0, count: d), name: "identity")
    }

    public static func translation(_ t: [Float]) -> InputTransform {
        let d = t.count
        return InputTransform(matrix: identity(dimension: d).matrix, offset: t.map(Double.init), name: "translation by \(t)")
    }

    /// x ↦ −x in every coordinate (in 1-D the reflection of the line; in 2-D the 180° rotation).
    public static func pointReflection(dimension d: Int) -> InputTransform {
        InputTransform(matrix: identity(dimension: d).matrix.map { -$0 }, offset: .init(repeating: 0, count: d), name: "x ↦ −x")
    }

    /// A rotation by `quarterTurns` · 90° in the plane of coordinates (0, 1); other coordinates unchanged.
    public static func rotation90(quarterTurns k: Int, dimension d: Int = 2) -> InputTransform {
        require(d >= 2, "a rotation needs at least two input dimensions")
        let (c, s): (Double, Double) = [(1, 0), (0, 1), (-1, 0), (0, -1)][((k % 4) + 4) % 4]
        var m = identity(dimension: d).matrix
        m[0] = c; m[1] = -s; m[d] = s; m[d + 1] = c
        return InputTransform(matrix: m, offset: .init(repeating: 0, count: d), name: "rotation by \(((k % 4) + 4) % 4 * 90)°")
    }

    /// The reflection that negates coordinate `axis`.
    public static func axisReflection(_ axis: Int, dimension d: Int) -> InputTransform {
        require(axis >= 0 && axis < d, "axis \(axis) out of range for dimension \(d)")
        var m = identity(dimension: d).matrix
        m[axis * d + axis] = -1
        return InputTransform(matrix: m, offset: .init(repeating: 0, count: d), name: "reflection of axis \(axis)")
    }

    /// The eight symmetries of the square lattice in the (0, 1) plane: four rotations, each with and without
    /// the reflection of axis 0.
    public static func dihedral4(dimension d: Int = 2) -> [InputTransform] {
        (0..<4).flatMap { k in [rotation90(quarterTurns: k, dimension: d), rotation90(quarterTurns: k, dimension: d).after(axisReflection(0, dimension: d))] }
    }

    /// `self ∘ other`: first `other`, then `self`.
    public func after(_ other: InputTransform) -> InputTransform {
        require(other.dimension == dimension, "composing transforms of dimensions \(dimension) and \(other.dimension)")
        let d = dimension
        var m = [Double](repeating: 0, count: d * d)
        for i in 0..<d { for j in 0..<d { m[i * d + j] = (0..<d).reduce(0.0) { $0 + matrix[i * d + $1] * other.matrix[$1 * d + j] } } }
        let t = (0..<d).map { i in (0..<d).reduce(offset[i]) { $0 + matrix[i * d + $1] * other.offset[$1] } }
        return InputTransform(matrix: m, offset: t, name: "\(name) ∘ \(other.name)")
    }

    /// Applies the map to every point of `x` `[…, dx]`, in Double.
    public func apply(_ x: Tensor) -> Tensor {
        let d = dimension
        require(x.shape.last == d, "transform of dimension \(d) applied to inputs of shape \(x.shape)")
        var out = x
        for p in 0..<(x.count / d) {
            for i in 0..<d {
                var v = offset[i]
                for j in 0..<d { v += matrix[i * d + j] * Double(x.scalars[p * d + j]) }
                out.scalars[p * d + i] = Float(v)
            }
        }
        return out
    }

    public var description: String { name }
}

/// The dihedral group D4 of the square lattice (order 8): the rotations by multiples of 90° and the same
/// composed with the reflection of axis 0, as integer 2 × 2 matrices acting on lattice offsets (t₀, t₁) along
/// the grid's two axes. These are exactly the rotations and reflections that map a pixel lattice with equal
/// spacing on both axes onto itself (the grid-exact elements of the paper's D8).
///
/// Element i = 2r + s is R^r · F^s, R the 90° rotation (t₀, t₁) ↦ (−t₁, t₀), F the reflection t₀ ↦ −t₀: the
/// order of `InputTransform.dihedral4()`.
public enum SquareSymmetries {
    /// Row-major [a, b, c, d] for the matrix ((a, b), (c, d)).
    public static let matrices: [[Int]] = (0..<4).flatMap { r -> [[Int]] in
        let rotation = power(r)
        return [rotation, multiply(rotation, [-1, 0, 0, 1])]
    }

    public static var order: Int { matrices.count }

    static func multiply(_ a: [Int], _ b: [Int]) -> [Int] {
        [a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3], a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3]]
    }

    static func power(_ r: Int) -> [Int] {
        var m = [1, 0, 0, 1]
        for _ in 0..<r { m = multiply([0, -1, 1, 0], m) }
        return m
    }

    /// The index of a matrix of the group.
    public static func index(of m: [Int]) -> Int {
        guard let i = matrices.firstIndex(of: m) else { preconditionFailure("\(m) is not a symmetry of the square") }
        return i
    }

    /// Index of gᵢ · gⱼ.
    public static func product(_ i: Int, _ j: Int) -> Int { index(of: multiply(matrices[i], matrices[j])) }

    /// Index of gᵢ⁻¹ (the transpose: the matrices are orthogonal).
    public static func inverse(_ i: Int) -> Int {
        let m = matrices[i]
        return index(of: [m[0], m[2], m[1], m[3]])
    }

    /// g · t for a lattice offset t.
    public static func apply(_ i: Int, _ t: (Int, Int)) -> (Int, Int) {
        let m = matrices[i]
        return (m[0] * t.0 + m[1] * t.1, m[2] * t.0 + m[3] * t.1)
    }

    /// For a square kernel of odd size k, taps in row-major order with centred offsets: the tap that the
    /// transformed kernel ψ_g(t) = ψ(g⁻¹ t) reads at each of its taps.
    public static func tapPermutation(element g: Int, kernel k: Int) -> [Int] {
        precondition(k % 2 == 1, "rotating a kernel on the lattice needs an odd size, got \(k)")
        let p = k / 2, inv = inverse(g)
        return (0..<(k * k)).map { tap in
            let (a, b) = apply(inv, (tap / k - p, tap % k - p))
            return (a + p) * k + (b + p)
        }
    }
}

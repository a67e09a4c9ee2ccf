import Foundation
import NPTensor

/// The dihedral group D_N of the plane (order 2N): the rotations by multiples of 2π/N, each with and without the
/// reflection of axis 0, acting on offsets (t₀, t₁) along the grid's two axes. Element i = 2r + s is R^r · F^s
/// (R the rotation by 2π/N, (t₀, t₁) ↦ (t₀ cos − t₁ sin, t₀ sin + t₁ cos); F: t₀ ↦ −t₀), so D4 lists its elements
/// in the order of `InputTransform.dihedral4()`.
///
/// D4 maps the square lattice onto itself; D8's odd rotations (45°, 135°, …) do not, and a kernel rotated by them
/// is resampled bilinearly on the lattice (`kernelResampling`): the group convolutions are then exactly
/// equivariant for D8's 8 lattice elements and approximately for the others (Docs/paper-spec.md §13.2).
public struct DihedralGroup: Sendable, Equatable {
    /// N: rotations by multiples of 2π/N.
    public let rotations: Int
    /// Row-major 2 × 2 matrices, [a, b, c, d] for ((a, b), (c, d)).
    public let matrices: [[Double]]
    let productTable: [[Int]]
    let inverses: [Int]

    public static let d4 = DihedralGroup(rotations: 4)
    public static let d8 = DihedralGroup(rotations: 8)

    public init(rotations n: Int) {
        require(n == 4 || n == 8, "the lattice group CNN supports D4 and D8, got N = \(n)")
        func multiply(_ a: [Double], _ b: [Double]) -> [Double] {
            [a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3], a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3]]
        }
        // Exact zeros and ±1 where they are exact (cos 90° is 6e-17 in Double otherwise).
        func clean(_ v: Double) -> Double { abs(v) < 1e-12 ? 0 : abs(abs(v) - 1) < 1e-12 ? (v > 0 ? 1 : -1) : v }
        let ms: [[Double]] = (0..<n).flatMap { r -> [[Double]] in
            let a = 2 * Double.pi * Double(r) / Double(n)
            let rotation = [Foundation.cos(a), -Foundation.sin(a), Foundation.sin(a), Foundation.cos(a)].map(clean)
            return [rotation, multiply(rotation, [-1, 0, 0, 1])]
        }
        func index(_ m: [Double]) -> Int {
            guard let i = ms.firstIndex(where: { zip($0, m).allSatisfy { abs($0 - $1) < 1e-9 } }) else {
                fatalError("\(m) is not an element of D\(n)")
            }
            return i
        }
        rotations = n
        matrices = ms
        productTable = ms.map { a in ms.map { b in index(multiply(a, b)) } }
        inverses = ms.map { index([$0[0], $0[2], $0[1], $0[3]]) }   // orthogonal: the transpose
    }

    public var order: Int { matrices.count }

    /// Index of gᵢ · gⱼ.
    public func product(_ i: Int, _ j: Int) -> Int { productTable[i][j] }
    /// Index of gᵢ⁻¹.
    public func inverse(_ i: Int) -> Int { inverses[i] }

    /// Whether element i maps the square lattice onto itself (multiples of 90°, with or without reflection).
    public func isLatticeSymmetry(_ i: Int) -> Bool { matrices[i].allSatisfy { $0 == 0 || abs($0) == 1 } }

    /// The taps of a square kernel of odd size k (row-major, centred offsets) that carry weights: all of them for
    /// D4; for D8 those within the inscribed disk |t| ≤ k/2, which every rotation maps into the square.
    public func supportedTaps(kernel k: Int) -> [Bool] {
        let p = k / 2
        return (0..<(k * k)).map { tap in
            let (a, b) = (tap / k - p, tap % k - p)
            return rotations == 4 || Double(a * a + b * b) <= Double(p * p) + 1e-9
        }
    }

    /// The transformed kernel ψ_g(t) = ψ(g⁻¹ t) as a linear function of ψ: for each tap t of a k × k kernel, the
    /// (source tap, weight) pairs to sum. One pair of weight 1 for a lattice element; the bilinear interpolation of
    /// ψ at the off-lattice point g⁻¹ t otherwise. Taps outside `supportedTaps` read and are read as zero.
    public func kernelResampling(element g: Int, kernel k: Int) -> [[(tap: Int, weight: Double)]] {
        require(k % 2 == 1, "rotating a kernel on the lattice needs an odd size, got \(k)")
        let p = k / 2, m = matrices[inverse(g)], supported = supportedTaps(kernel: k)
        func source(_ a: Int, _ b: Int) -> Int? {
            guard abs(a) <= p && abs(b) <= p else { return nil }
            let tap = (a + p) * k + (b + p)
            return supported[tap] ? tap : nil
        }
        return (0..<(k * k)).map { tap -> [(tap: Int, weight: Double)] in
            guard supported[tap] else { return [] }
            let (t0, t1) = (Double(tap / k - p), Double(tap % k - p))
            var u0 = m[0] * t0 + m[1] * t1, u1 = m[2] * t0 + m[3] * t1
            if abs(u0 - u0.rounded()) < 1e-9 { u0 = u0.rounded() }
            if abs(u1 - u1.rounded()) < 1e-9 { u1 = u1.rounded() }
            let (a, b) = (Int(u0.rounded(.down)), Int(u1.rounded(.down)))
            let (fa, fb) = (u0 - Double(a), u1 - Double(b))
            let corners = [(a, b, (1 - fa) * (1 - fb)), (a + 1, b, fa * (1 - fb)), (a, b + 1, (1 - fa) * fb), (a + 1, b + 1, fa * fb)]
            return corners.compactMap { c in c.2 > 0 ? source(c.0, c.1).map { (tap: $0, weight: c.2) } : nil }
        }
    }
}

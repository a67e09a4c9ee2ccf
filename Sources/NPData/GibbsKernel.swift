import Foundation

/// The non-stationary kernel of the 1-D experiment: lengthscale 0.1 on one side of x = 0 and 4.0 on the
/// other, orientation β per task (Docs/paper-spec.md §7.1, A2, A3).
public enum GibbsKernel: String, Codable, Sendable, CaseIterable {
    /// The paper's formula: k(x, x') = √(2ℓ(x)ℓ(x′) / (ℓ(x)² + ℓ(x′)²)) · exp(−(x − x′)² / (ℓ(x)² + ℓ(x′)²)).
    case paper = "gibbs"
    /// What the authors' `tnp` library computed at the time of the paper (its `GibbsKernel` before commit
    /// 89012a7): an RBF on inputs warped by their own lengthscale, k(x, x') = exp(−(x/ℓ(x) − x′/ℓ(x′))² / 4).
    case asReleased = "gibbs-as-released"

    public static let shortLengthscale = 0.1
    public static let longLengthscale = 4.0

    /// ℓ(x) for orientation β: β = true puts the short lengthscale left of 0 (x < 0) and the long one right.
    @inlinable
    public static func lengthscale(_ x: Double, orientation beta: Bool) -> Double {
        let leftShort = beta
        return (x < 0) == leftShort ? shortLengthscale : longLengthscale
    }

    @inlinable
    public func callAsFunction(_ x: Double, _ y: Double, orientation beta: Bool) -> Double {
        let lx = GibbsKernel.lengthscale(x, orientation: beta), ly = GibbsKernel.lengthscale(y, orientation: beta)
        switch self {
        case .paper:
            let s = lx * lx + ly * ly
            return (2 * lx * ly / s).squareRoot() * Foundation.exp(-(x - y) * (x - y) / s)
        case .asReleased:
            let d = x / lx - y / ly
            return Foundation.exp(-d * d / 4)
        }
    }

    /// The covariance matrix between two sets of inputs, row-major [a.count × b.count].
    public func matrix(_ a: [Double], _ b: [Double], orientation beta: Bool) -> [Double] {
        var out = [Double](repeating: 0, count: a.count * b.count)
        for i in a.indices { for j in b.indices { out[i * b.count + j] = self(a[i], b[j], orientation: beta) } }
        return out
    }
}

/// Architecture sizes. `paper` is the paper's (Docs/paper-spec.md §5.1, 1-D column); `quick` and `ci` keep every
/// architectural choice and shrink width, depth and grid density (the `quick` sizes are those at which
/// PyTorch step times were measured before this package was written: `npbench`'s reference table).
public struct ModelPreset: Codable, Sendable, Equatable {
    public var name: String
    public var tnp: TNP.Config
    public var convCNP: ConvCNP.Config

    /// D_z = 128, 9 layers, 8 heads × 16; C = 64, 9 conv layers, kernel 21, 46 points per unit (Docs/paper-spec.md A11), 5 decoder lengthscales.
    public static let paper = ModelPreset(name: "paper",
                                          tnp: .init(width: 128, layers: 9, heads: 8, headWidth: 16),
                                          convCNP: .init(channels: 64, layers: 9, kernel: 21, pointsPerUnit: 46))
    /// D_z = 64, 4 layers, 4 heads × 16; C = 32, 6 conv layers, kernel 21, 32 points per unit.
    public static let quick = ModelPreset(name: "quick",
                                          tnp: .init(width: 64, layers: 4, heads: 4, headWidth: 16),
                                          convCNP: .init(channels: 32, layers: 6, kernel: 21, pointsPerUnit: 32))
    /// Tiny, for tests and CI: every code path, seconds of compute.
    public static let ci = ModelPreset(name: "ci",
                                       tnp: .init(width: 16, layers: 2, heads: 2, headWidth: 8),
                                       convCNP: .init(channels: 8, layers: 2, kernel: 5, pointsPerUnit: 16))

    public static let all: [ModelPreset] = [.paper, .quick, .ci]
    public static func named(_ s: String) -> ModelPreset? { all.first { $0.name == s } }
}

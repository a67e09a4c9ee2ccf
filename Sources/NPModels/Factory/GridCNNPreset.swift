/// Sizes of the 2-D convolutional models (smoke and environmental experiments), next to the 1-D `ModelPreset`.
/// `paper` is Docs/paper-spec.md §5.1's smoke column ("as smoke" for the environmental experiment); `quick` and `ci` keep every
/// architectural choice and shrink width, depth and kernels.
///
/// A `ModelSpec` with `gridCNN` set builds ConvCNP (T)/(T̃) and RelaxedConvCNP (T̃) on a U-Net and EquivCNP (E)/(Ẽ)
/// on a D4 group CNN; B defaults to the channel count C.
public struct GridCNNPreset: Codable, Sendable, Equatable {
    public var name: String
    /// ConvCNP (T), (T̃) and RelaxedConvCNP (T̃).
    public var unet: UNet.Config
    /// EquivCNP (E), (Ẽ).
    public var groupCNN: GroupCNN.Config
    /// Off-grid data only (the SetConv path, stations): grid points per unit of the experiment's (standardised)
    /// inputs. [ours] 16 / 8 / 4; the environmental experiment may choose its own.
    public var pointsPerUnit: Float
    /// Off-grid data only: SetConv decoder lengthscales.
    public var decoderLengthscales: Int = 5

    public init(name: String, unet: UNet.Config, groupCNN: GroupCNN.Config, pointsPerUnit: Float, decoderLengthscales: Int = 5) {
        self.name = name; self.unet = unet; self.groupCNN = groupCNN; self.pointsPerUnit = pointsPerUnit
        self.decoderLengthscales = decoderLengthscales
    }

    /// U-Net: C = 16, 4 poolings (9 convolutions, channels up to 256), kernel 9. Group CNN: D8 (order 16), C = 16,
    /// 16 regular fields (Docs/paper-spec.md A17: 256 channels), 9 layers, kernel 9.
    public static let paper = GridCNNPreset(name: "paper", unet: .init(channels: 16, levels: 4, kernel: 9),
                                            groupCNN: .init(channels: 16, fields: 16, layers: 9, kernel: 9, rotations: 8), pointsPerUnit: 16)
    /// U-Net: C = 16, 4 poolings, kernel 5. Group CNN: D8, C = 16, 1 regular field (16 channels: A17's cheaper
    /// reading), 5 layers, kernel 5.
    public static let quick = GridCNNPreset(name: "quick", unet: .init(channels: 16, levels: 4, kernel: 5),
                                            groupCNN: .init(channels: 16, fields: 1, layers: 5, kernel: 5, rotations: 8), pointsPerUnit: 8)
    /// The smoke experiment's quick U-Net: `quick` with the channels capped at 64 (C = 16, 32, 64, 64, 64 down the
    /// levels), which cuts a ConvCNP's parameters from 4.9 M to 0.91 M, so that trained weights stay small enough to
    /// commit, and the work of the two deepest levels. Group CNN as `quick`.
    public static let quickSmoke = GridCNNPreset(name: "quick-smoke", unet: .init(channels: 16, levels: 4, kernel: 5, maxChannels: 64),
                                                 groupCNN: .init(channels: 16, fields: 1, layers: 5, kernel: 5, rotations: 8), pointsPerUnit: 8)
    /// Tiny, for tests and CI (D8 with a 3 × 3 kernel: its disk is the centre and the four neighbours).
    public static let ci = GridCNNPreset(name: "ci", unet: .init(channels: 4, levels: 2, kernel: 3, maxChannels: 16),
                                         groupCNN: .init(channels: 4, fields: 1, layers: 2, kernel: 3, rotations: 8), pointsPerUnit: 4)

    public static let all: [GridCNNPreset] = [.paper, .quick, .quickSmoke, .ci]
    public static func named(_ s: String) -> GridCNNPreset? { all.first { $0.name == s } }

    /// C of the model a recipe builds.
    public func channels(for recipe: ModelRecipe.ConvRecipe) -> Int {
        recipe == .symmetric ? groupCNN.channels : unet.channels
    }
}

import NPAutodiff
import NPTensor

// Shapes: m tasks, G grid points, c channels; grid values are flat channels-last [m, G, c] (see `Grid`).

/// The grid-to-grid part of a convolutional NP: a plain, symmetric or relaxed CNN (`ConvStack`), and later a
/// U-Net or a group CNN. A backbone sees the grid it runs on (for position-dependent relaxations) and the
/// fixed-input switch of the batch.
public protocol GridBackbone {
    /// Channels in and out.
    var channels: Int { get }
    /// Every grid size must be a multiple of this (2^k for k poolings; 1 for a CNN without pooling).
    var gridMultiple: Int { get }
    /// The fixed-input dropout probability the backbone itself trains with (relaxed convolutions); nil otherwise.
    var fixedInputDropout: Double? { get }
    /// z [m, G, c] on `grid` → [m, G, c].
    func callAsFunction(_ tape: Tape, _ z: Variable, grid: Grid, switch sw: FixedInputSwitch) -> Variable
}

/// How a convolutional NP turns a context set into values on a grid.
public protocol GridEncoder {
    /// Channels of the representation it produces.
    var channels: Int { get }
    /// The grid for this batch: covering the context and the targets (off-grid data) or fixed (gridded data).
    func grid(context: ContextSet, targets xt: Tensor, multipleOf: Int) -> Grid
    /// The context's representation on `grid` (whose point positions are `positions` [m, G, dx]): [m, G, c].
    func callAsFunction(_ tape: Tape, _ context: ContextSet, grid: Grid, positions: Tensor) -> Variable
}

/// How a convolutional NP reads grid values out at the target inputs.
public protocol GridDecoder {
    /// Features per target as a multiple of the backbone's channels.
    var featureMultiplier: Int { get }
    /// z [m, G, c] on `grid` → features at `xt` [m, nt, dx]: [m, nt, featureMultiplier · c].
    func callAsFunction(_ tape: Tape, _ z: Variable, grid: Grid, positions: Tensor, xt: Tensor) -> Variable
}

/// Where the off-grid SetConv puts its grid points.
public enum GridPlacement: String, Codable, Sendable, Equatable {
    /// One grid on the lattice ℤ/ppu covering every real input of the batch (`Grid(covering:)`).
    case batch
    /// Each task its own grid of a common point count, padded symmetrically (`Grid(coveringEachTask:)`): as many
    /// points as one task needs, and exact reflection equivariance at any padding.
    case perTask
}

/// The off-grid SetConv encoder with the discretisation it uses: a grid of spacing 1/ppu covering the real context
/// and target inputs with a margin, for the whole batch or per task (`GridPlacement`).
public struct OffGridSetConvEncoder: GridEncoder {
    public let setConv: SetConvEncoder
    public let pointsPerUnit: [Float]
    public let margin: Float
    public let channels: Int
    public var placement: GridPlacement = .batch

    public init(setConv: SetConvEncoder, pointsPerUnit: [Float], margin: Float, channels: Int, placement: GridPlacement = .batch) {
        self.setConv = setConv; self.pointsPerUnit = pointsPerUnit; self.margin = margin; self.channels = channels
        self.placement = placement
    }

    public func grid(context: ContextSet, targets xt: Tensor, multipleOf: Int) -> Grid {
        // Padded targets repeat real points of their task, so they never widen the grid.
        let inputs = [(context.x, context.mask), (xt, nil as Tensor?)]
        switch placement {
        case .batch: return Grid(covering: inputs, pointsPerUnit: pointsPerUnit, margin: margin, multipleOf: multipleOf)
        case .perTask: return Grid(coveringEachTask: inputs, pointsPerUnit: pointsPerUnit, margin: margin, multipleOf: multipleOf)
        }
    }

    public func callAsFunction(_ tape: Tape, _ context: ContextSet, grid: Grid, positions: Tensor) -> Variable {
        setConv(tape, context, positions: positions)
    }
}

extension SetConvDecoder: GridDecoder {
    public func callAsFunction(_ tape: Tape, _ z: Variable, grid: Grid, positions: Tensor, xt: Tensor) -> Variable {
        self(tape, z, positions: positions, xt: xt)
    }
}

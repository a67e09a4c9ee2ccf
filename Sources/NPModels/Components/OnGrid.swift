import Foundation
import NPAutodiff
import NPNN
import NPTensor

// Shapes: m tasks, nc / nt context / target points, dx input dimensions, dy outputs, G grid points, c channels.

/// The pixel lattice of gridded data: pixel k (an integer vector) sits at x_d = (k_d + offset_d) / ppu_d.
///
/// Gridded tasks (smoke patches) give their context and target points as positions on this lattice; the on-grid
/// encoder and decoder turn positions back into pixels. With equal ppu on two axes and offsets in {0, ½} the
/// lattice is mapped onto itself by the 90° rotations and axis reflections about the origin.
public struct PixelLattice: Codable, Sendable, Equatable {
    public var pointsPerUnit: [Float]
    public var offset: [Double]

    public init(pointsPerUnit: [Float], offset: [Double]) {
        require(pointsPerUnit.count == offset.count && pointsPerUnit.allSatisfy { $0 > 0 },
                     "a pixel lattice needs one positive density and one offset per dimension")
        self.pointsPerUnit = pointsPerUnit; self.offset = offset
    }

    /// Standardised pixel coordinates of a frame of `size` pixels per axis (Docs/paper-spec.md A7: the smoke frame 128 × 128):
    /// x = (k − (n − 1)/2) / σ with σ = √((n² − 1)/12), the standard deviation of the pixel indices 0 … n − 1.
    /// Square frames get equal densities on both axes, so the lattice keeps the symmetries of the square.
    public static func standardisedFrame(size: [Int]) -> PixelLattice {
        PixelLattice(pointsPerUnit: size.map { Float(((Double($0 * $0) - 1) / 12).squareRoot()) },
                     offset: size.map { -Double($0 - 1) / 2 })
    }

    public var dimension: Int { pointsPerUnit.count }

    /// The position of pixel `k`.
    public func position(_ k: [Int]) -> [Float] {
        (0..<dimension).map { Float((Double(k[$0]) + offset[$0]) / Double(pointsPerUnit[$0])) }
    }

    /// The pixel of each point of `x` [m, n, dx], flat [m·n·dx]; every real point (mask ≠ 0; all without a mask)
    /// must lie on the lattice (within 1 % of a pixel, to absorb the Float32 rounding of positions). Masked points
    /// are not looked at and get pixel 0.
    public func pixels(_ x: Tensor, mask: Tensor? = nil) -> [Int] {
        require(x.rank == 3 && x.shape[2] == dimension, "a \(dimension)-D pixel lattice given inputs of shape \(x.shape)")
        return x.scalars.indices.map { i in
            let d = i % dimension
            if let mask, mask.scalars[i / dimension] == 0 { return 0 }
            let u = Double(x.scalars[i]) * Double(pointsPerUnit[d]) - offset[d]
            let k = u.rounded()
            require(abs(u - k) < 1e-2, "point \(x.scalars[i]) (dimension \(d)) is off the pixel lattice by \(abs(u - k)) pixels")
            return Int(k)
        }
    }
}

/// The grid of a gridded batch: per task the box of pixels covering its real context and target points, one
/// shape for the batch (the largest box, each size padded up to `multipleOf`), each task's box moved to its own
/// pixels (`Grid.taskShifts`). Shifting a task by whole pixels shifts its box with it, so a backbone on this grid
/// sees the same array: exact translation equivariance for integer pixel shifts, at any distance from the box
/// edge. The extra points of the padding go ⌊extra/2⌋ before and the rest after (as `Grid(covering:)`).
func pixelGrid(_ lattice: PixelLattice, context: ContextSet, targets xt: Tensor, multipleOf: Int) -> Grid {
    let dx = lattice.dimension, m = context.x.shape[0]
    let kc = lattice.pixels(context.x, mask: context.mask), kt = lattice.pixels(xt)
    var lo = [[Int]](repeating: .init(repeating: .max, count: dx), count: m), hi = [[Int]](repeating: .init(repeating: .min, count: dx), count: m)
    func cover(_ k: [Int], _ n: Int, _ mask: Tensor?) {
        for b in 0..<m { for i in 0..<n where mask == nil || mask!.scalars[b * n + i] != 0 { for d in 0..<dx {
            lo[b][d] = min(lo[b][d], k[(b * n + i) * dx + d]); hi[b][d] = max(hi[b][d], k[(b * n + i) * dx + d])
        } } }
    }
    cover(kc, context.x.shape[1], context.mask)
    cover(kt, xt.shape[1], nil)
    let extent = (0..<dx).map { d in (0..<m).map { hi[$0][d] - lo[$0][d] + 1 }.max()! }
    let shape = extent.map { ($0 + multipleOf - 1) / multipleOf * multipleOf }
    // Grid point j of task b along d is pixel lo_b,d − before_d + j: start = offset − before, shift = lo.
    let start = (0..<dx).map { lattice.offset[$0] - Double((shape[$0] - extent[$0]) / 2) }
    return Grid(pointsPerUnit: lattice.pointsPerUnit, start: start, step: .init(repeating: 1, count: dx), shape: shape,
                taskShifts: lo.map { $0.map(Double.init) })
}

/// Flat grid index (within its task) of every point of `x` [m, n, dx] on a pixel grid made by `pixelGrid`: [m·n]
/// (0 for masked points).
func pixelGridIndices(_ lattice: PixelLattice, _ x: Tensor, mask: Tensor? = nil, grid: Grid) -> [Int] {
    let dx = lattice.dimension, (m, n) = (x.shape[0], x.shape[1])
    require(grid.taskShifts?.count == m && grid.step.allSatisfy { $0 == 1 }, "not an unpooled pixel grid of \(m) tasks")
    let k = lattice.pixels(x, mask: mask), strides = stridesOf(grid.shape)
    return (0..<(m * n)).map { p in
        if let mask, mask.scalars[p] == 0 { return 0 }
        return (0..<dx).reduce(0) { flat, d in
            let j = Int((Double(k[p * dx + d]) + lattice.offset[d] - grid.start[d] - grid.taskShifts![p / n][d]).rounded())
            require(j >= 0 && j < grid.shape[d], "point outside its task's pixel grid (index \(j) of \(grid.shape[d]))")
            return flat + j * strides[d]
        }
    }
}

/// The encoder of gridded data (the authors' `GriddedConvCNPEncoder`, Docs/paper-spec.md §3.3, A8): the grid is the data's own
/// pixel grid; pixel g gets the channels [Σ y · m_c, Σ m_c] of the context points on it (m_c = 1 for real context
/// points, 0 elsewhere), then a pointwise MLP maps them to c channels. No SetConv, no lengthscale.
public struct OnGridEncoder: GridEncoder {
    public let lattice: PixelLattice
    let mlp: MLP
    public let channels: Int

    public init(_ scope: ParameterScope, lattice: PixelLattice, outputDimension dy: Int, channels c: Int, rng: inout RandomGenerator) {
        self.lattice = lattice
        channels = c
        // [ours] one hidden layer of width c, as the SetConv encoder's pointwise MLP.
        mlp = MLP(scope.child("mlp"), widths: [dy + 1, c, c], rng: &rng)
    }

    public func grid(context: ContextSet, targets xt: Tensor, multipleOf: Int) -> Grid {
        pixelGrid(lattice, context: context, targets: xt, multipleOf: multipleOf)
    }

    /// The context's masked pixel image [y · m_c, m_c] on `grid`: [m, G, dy + 1] (data, no parameters).
    public func maskedImage(_ context: ContextSet, grid: Grid) -> Tensor {
        let (m, nc, dy) = (context.y.shape[0], context.y.shape[1], context.y.shape[2])
        let g = grid.count
        let cells = pixelGridIndices(lattice, context.x, mask: context.mask, grid: grid)
        var image = [Float](repeating: 0, count: m * g * (dy + 1))
        for p in 0..<(m * nc) where (context.mask?.scalars[p] ?? 1) != 0 {
            let base = ((p / nc) * g + cells[p]) * (dy + 1)
            for k in 0..<dy { image[base + k] += context.y.scalars[p * dy + k] }
            image[base + dy] += 1
        }
        return Tensor(shape: [m, g, dy + 1], scalars: image)
    }

    public func callAsFunction(_ tape: Tape, _ context: ContextSet, grid: Grid, positions: Tensor) -> Variable {
        mlp(tape, tape.constant(maskedImage(context, grid: grid)))
    }
}

/// The decoder of gridded data: the backbone's values at each target's pixel, [m, nt, c] (feature multiplier 1).
public struct OnGridDecoder: GridDecoder {
    public let lattice: PixelLattice
    public init(lattice: PixelLattice) { self.lattice = lattice }

    public var featureMultiplier: Int { 1 }

    public func callAsFunction(_ tape: Tape, _ z: Variable, grid: Grid, positions: Tensor, xt: Tensor) -> Variable {
        let (m, g, c) = (z.shape[0], z.shape[1], z.shape[2]), nt = xt.shape[1]
        let cells = pixelGridIndices(lattice, xt, grid: grid)
        let rows = (0..<(m * nt)).map { (($0 / nt) * g) + cells[$0] }
        return tape.reshape(tape.gather(tape.reshape(z, [m * g, c]), axis: 0, indices: rows), [m, nt, c])
    }
}

import Foundation
import NPAutodiff
import NPNN
import NPTensor

// Shapes: m tasks, nc / nt context / target points, dx = 1 input dimension, g grid points, c channels.

/// The discretisation of a batch of 1-D tasks: points i / ppu for integers i in [⌊(min − margin)·ppu⌋,
/// ⌈(max + margin)·ppu⌉], where min and max run over every context and target input of the batch.
///
/// Because the points lie on the fixed lattice ℤ/ppu, shifting every input by a multiple of 1/ppu shifts
/// the grid by whole points (exact translation equivariance for such shifts), and the lattice is symmetric
/// under x → −x (exact reflection equivariance).
public struct Grid1D: Sendable {
    public let pointsPerUnit: Float
    public let first: Int
    public let count: Int

    public init(covering xs: [Tensor], pointsPerUnit ppu: Float, margin: Float) {
        let all = xs.flatMap(\.scalars)
        precondition(!all.isEmpty, "a grid needs at least one input")
        let lo = all.min()!, hi = all.max()!
        // Round in Double so that lattice-aligned shifts give exactly shifted grid indices.
        let a = Int((Double(lo - margin) * Double(ppu)).rounded(.down))
        let b = Int((Double(hi + margin) * Double(ppu)).rounded(.up))
        pointsPerUnit = ppu; first = a; count = b - a + 1
    }

    /// Grid positions, broadcast to every task: [m, g, 1].
    public func positions(tasks m: Int) -> Tensor {
        let g = (0..<count).map { Float(Double(first + $0) / Double(pointsPerUnit)) }
        return Tensor(shape: [m, count, 1], scalars: Array((0..<m).map { _ in g }.joined()))
    }
}

/// SetConv encoder: E(g) = Σᵢ [yᵢ, 1] · exp(−|g − xᵢ|² / (2ℓ²)) on the grid, with a learnable ℓ
/// (initialised to 2 / ppu, as the authors' code), followed by a pointwise MLP to c channels.
public struct SetConvEncoder {
    public let logLengthscale: Variable
    let mlp: MLP

    public init(_ scope: ParameterScope, outputDimension dy: Int, channels c: Int, pointsPerUnit ppu: Float, rng: inout RandomGenerator) {
        logLengthscale = scope.make("log_lengthscale", Tensor(shape: [1], scalars: [Foundation.log(2 / ppu)]))
        // [ours] pointwise MLP with one hidden layer of width c (the spec says "a pointwise MLP").
        mlp = MLP(scope.child("mlp"), widths: [dy + 1, c, c], rng: &rng)
    }

    /// xc [m, nc, 1], yc [m, nc, dy], grid [m, g, 1] → [m, g, c].
    public func callAsFunction(_ tape: Tape, xc: Tensor, yc: Tensor, grid: Tensor) -> Variable {
        let (m, nc, dy) = (yc.shape[0], yc.shape[1], yc.shape[2])
        let d2 = tape.pairwiseSquaredDistances(tape.constant(grid), tape.constant(xc))   // [m, g, nc]
        let w = tape.rbfWeights(d2, logLengthscale: logLengthscale)
        var withDensity = [Float](repeating: 1, count: m * nc * (dy + 1))
        for p in 0..<(m * nc) { for k in 0..<dy { withDensity[p * (dy + 1) + k] = yc.scalars[p * dy + k] } }
        let h = tape.matmul(w, tape.constant(Tensor(shape: [m, nc, dy + 1], scalars: withDensity)))   // [m, g, dy+1]
        return mlp(tape, h)
    }
}

/// SetConv decoder with several learnable lengthscales: F(x) = concat_k Σ_g Z[g] exp(−|x − g|² / (2ℓ_k²)) / ppu.
/// Initial ℓ_k log-spaced over one decade centred on 2 / ppu (the authors' `SetConvDecoder(num_kernels=5)`).
public struct SetConvDecoder {
    public let logLengthscales: [Variable]
    let pointsPerUnit: Float

    public init(_ scope: ParameterScope, kernels: Int, pointsPerUnit ppu: Float) {
        let centre = Foundation.log10(2 / ppu)
        logLengthscales = (0..<kernels).map { k in
            let e = kernels == 1 ? centre : centre - 0.5 + Float(k) / Float(kernels - 1)
            return scope.make("log_lengthscale_\(k)", Tensor(shape: [1], scalars: [e * Foundation.log(10)]))
        }
        pointsPerUnit = ppu
    }

    public var featureMultiplier: Int { logLengthscales.count }

    /// z [m, g, c] on `grid` [m, g, 1] → features at xt [m, nt, k·c].
    public func callAsFunction(_ tape: Tape, _ z: Variable, grid: Tensor, xt: Tensor) -> Variable {
        let d2 = tape.pairwiseSquaredDistances(tape.constant(xt), tape.constant(grid))   // [m, nt, g]
        let parts = logLengthscales.map { tape.matmul(tape.rbfWeights(d2, logLengthscale: $0), z) }
        return tape.affine(tape.concat(parts, axis: -1), scale: 1 / pointsPerUnit)
    }
}

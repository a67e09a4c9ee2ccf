import Foundation
import NPAutodiff
import NPNN
import NPTensor

// Shapes: m tasks, nc / nt context / target points, dx input dimensions, dy outputs, G grid points, c channels.

/// How a SetConv's Gaussian kernel measures distance in input space.
public enum KernelShape: String, Codable, Sendable, Equatable {
    /// One lengthscale per input dimension (the default).
    case perDimension
    /// One lengthscale for every dimension: the kernel depends only on |x − x′|, as rotation-equivariant
    /// models need.
    case isotropic
}

/// Gaussian weights exp(−Σ_d (a_d − b_d)² / (2ℓ_d²)) between every point of `a` [m, n, dx] and of `b` [m, k, dx],
/// with log-lengthscales `logLengthscales` ([dx] per dimension, or [1] isotropic): [m, n, k]. Per dimension, the
/// product of one-dimensional factors (`Tape.separableRBFWeights`: each factor once per pair of distinct coordinates,
/// which a grid makes few).
func gaussianWeights(_ tape: Tape, _ a: Tensor, _ b: Tensor, logLengthscales: Variable) -> Variable {
    gaussianWeights(tape, a, b, logLengthscales: [logLengthscales])[0]
}

/// `gaussianWeights` for several kernels between the same points (the decoder's): with one lengthscale per kernel
/// (1-D inputs or an isotropic kernel) the squared distances are computed once and shared.
func gaussianWeights(_ tape: Tape, _ a: Tensor, _ b: Tensor, logLengthscales kernels: [Variable]) -> [Variable] {
    let dx = a.shape[2]
    func oneLengthscale(_ l: Variable) -> Bool { dx == 1 || l.shape[0] == 1 }
    let d2 = kernels.contains(where: oneLengthscale) ? tape.pairwiseSquaredDistances(tape.constant(a), tape.constant(b)) : nil
    return kernels.map { l in
        if let d2, oneLengthscale(l) { return tape.rbfWeights(d2, logLengthscale: l) }
        require(l.shape[0] == dx, "\(l.shape[0]) lengthscales for \(dx) input dimensions")
        return tape.separableRBFWeights(a, b, logLengthscales: l)
    }
}

/// SetConv encoder: E(g) = Σᵢ mᵢ [yᵢ, 1] · exp(−|g − xᵢ|² / (2ℓ²)) on the grid (mᵢ = 0 for padded context
/// points), with learnable lengthscales initialised to 2 / ppu (the authors' code), followed by a pointwise MLP
/// to c channels.
public struct SetConvEncoder {
    public let logLengthscales: Variable
    let mlp: MLP

    public init(_ scope: ParameterScope, outputDimension dy: Int, channels c: Int, pointsPerUnit ppu: [Float],
                kernelShape: KernelShape = .perDimension, rng: inout RandomGenerator) {
        let initial = kernelShape == .isotropic ? [Foundation.log(2 / ppu[0])] : ppu.map { Foundation.log(2 / $0) }
        logLengthscales = scope.make("log_lengthscale", Tensor(shape: [initial.count], scalars: initial))
        // [ours] pointwise MLP with one hidden layer of width c (Docs/paper-spec.md §3.2 says only "a pointwise MLP").
        mlp = MLP(scope.child("mlp"), widths: [dy + 1, c, c], rng: &rng)
    }

    /// The context → [m, G, c] on the grid points `positions` [m, G, dx].
    public func callAsFunction(_ tape: Tape, _ context: ContextSet, positions: Tensor) -> Variable {
        let (xc, yc) = (context.x, context.y)
        let (m, nc, dy) = (yc.shape[0], yc.shape[1], yc.shape[2])
        let w = gaussianWeights(tape, positions, xc, logLengthscales: logLengthscales)   // [m, G, nc]
        var withDensity = [Float](repeating: 1, count: m * nc * (dy + 1))
        for p in 0..<(m * nc) {
            let keep = context.mask?.scalars[p] ?? 1
            for k in 0..<dy { withDensity[p * (dy + 1) + k] = keep * yc.scalars[p * dy + k] }
            withDensity[p * (dy + 1) + dy] = keep
        }
        let h = tape.matmul(w, tape.constant(Tensor(shape: [m, nc, dy + 1], scalars: withDensity)))   // [m, G, dy+1]
        return mlp(tape, h)
    }
}

/// SetConv decoder with several learnable lengthscales:
/// F(x) = concat_k Σ_g Z[g] exp(−|x − g|² / (2ℓ_k²)) / ∏_d ppu_d. Initial ℓ_k log-spaced over one decade
/// centred on 2 / ppu (the authors' `SetConvDecoder(num_kernels=5)`).
public struct SetConvDecoder {
    public let logLengthscales: [Variable]
    /// The factor each kernel's sum is multiplied by: 1 / ∏_d ppu_d (a Riemann sum of the integral), or, when
    /// `normalised`, 1 / (that kernel's mass on the grid at its initial lengthscales, ∏_d √(2π) ℓ₀_d ppu_d).
    let normalisations: [Float]

    /// `normalised`: divide each kernel by its initial mass, so that a constant grid function decodes to itself at
    /// initialisation (`InitialisationScheme.calibrated`); otherwise the authors' 1 / ∏ ppu.
    public init(_ scope: ParameterScope, kernels: Int, pointsPerUnit ppu: [Float], kernelShape: KernelShape = .perDimension,
                normalised: Bool = false) {
        let dims = kernelShape == .isotropic ? [ppu[0]] : ppu
        var initial: [[Float]] = []
        logLengthscales = (0..<kernels).map { k in
            let values = dims.map { p -> Float in
                let centre = Foundation.log10(2 / p)
                let e = kernels == 1 ? centre : centre - 0.5 + Float(k) / Float(kernels - 1)
                return e * Foundation.log(10)
            }
            initial.append(values)
            return scope.make("log_lengthscale_\(k)", Tensor(shape: [values.count], scalars: values))
        }
        normalisations = initial.map { logs in
            guard normalised else { return 1 / ppu.reduce(1, *) }
            let mass = ppu.indices.reduce(Float(1)) { m, d in
                m * (2 * Float.pi).squareRoot() * Foundation.exp(logs[logs.count == 1 ? 0 : d]) * ppu[d]
            }
            return 1 / mass
        }
    }

    public var featureMultiplier: Int { logLengthscales.count }

    /// z [m, G, c] on grid points `positions` [m, G, dx] → features at xt [m, nt, k·c].
    public func callAsFunction(_ tape: Tape, _ z: Variable, positions: Tensor, xt: Tensor) -> Variable {
        let weights = gaussianWeights(tape, xt, positions, logLengthscales: logLengthscales)
        if Set(normalisations).count == 1 {
            let parts = weights.map { tape.matmul($0, z) }
            return tape.affine(tape.concat(parts, axis: -1), scale: normalisations[0])
        }
        let parts = zip(weights, normalisations).map { w, c in tape.affine(tape.matmul(w, z), scale: c) }
        return tape.concat(parts, axis: -1)
    }
}

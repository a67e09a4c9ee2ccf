import Foundation
import NPAutodiff
import NPNN
import NPTensor

// Shapes: m tasks, n points, dx input dimension, c channels of the representation the fixed inputs are added to.

/// How a forward pass treats the fixed inputs.
public enum FixedInputSwitch: Sendable, Equatable {
    /// Fixed inputs on for every task (evaluation of the approximately equivariant model).
    case on
    /// Forced to zero for every task: the model's strictly equivariant component (the paper's red curves).
    case off
    /// Training: task i keeps its fixed inputs iff `keep[i]` (one Bernoulli(1 − p) draw per task, no rescaling).
    case perTask(keep: [Bool])

    /// One keep/drop draw per task with drop probability `p`.
    public static func dropout(tasks: Int, p: Double, using rng: inout RandomGenerator) -> FixedInputSwitch {
        .perTask(keep: (0..<tasks).map { _ in !rng.bernoulli(p) })
    }

    /// The per-task multiplier, shape [m, 1, 1].
    func keepMask(tasks m: Int) -> Tensor {
        switch self {
        case .on: return Tensor(repeating: 1, shape: [m, 1, 1])
        case .off: return .zeros([m, 1, 1])
        case .perTask(let keep):
            require(keep.count == m, "keep mask has \(keep.count) entries for \(m) tasks")
            return Tensor(shape: [m, 1, 1], scalars: keep.map { $0 ? 1 : 0 })
        }
    }
}

/// An axis-aligned open box: the training domain outside which fixed inputs are forced to zero.
public struct DomainBox: Codable, Sendable, Equatable {
    public var lower: [Float]
    public var upper: [Float]
    public init(lower: [Float], upper: [Float]) { self.lower = lower; self.upper = upper }

    /// Strictly inside in every dimension (the authors' `ModuleOnPreSpecifiedDomain`: lower < x < upper).
    public func contains(_ x: ArraySlice<Float>) -> Bool {
        zip(x, zip(lower, upper)).allSatisfy { $0 > $1.0 && $0 < $1.1 }
    }
}

/// Position features fed to the fixed-input MLP.
public enum PositionFeatures: Codable, Sendable, Equatable {
    /// The coordinates themselves.
    case raw
    /// Fourier features for the TNP (T̃) (Docs/paper-spec.md A5): `count` wavelengths λⱼ log-spaced from
    /// range^(1/count) to range, features [sin(2πx/λⱼ), cos(2πx/λⱼ)] per input dimension.
    case fourier(count: Int, range: Float)

    func width(dx: Int) -> Int {
        switch self { case .raw: return dx; case .fourier(let count, _): return 2 * count * dx }
    }

    func wavelengths() -> [Float] {
        guard case .fourier(let count, let range) = self else { return [] }
        if count == 1 { return [range] }
        let lo = Foundation.log(range) / Float(count), hi = Foundation.log(range)
        return (0..<count).map { Foundation.exp(lo + (hi - lo) * Float($0) / Float(count - 1)) }
    }

    func features(_ x: Tensor) -> Tensor {
        switch self {
        case .raw: return x
        case .fourier:
            let lambdas = wavelengths()
            let (m, n, dx) = (x.shape[0], x.shape[1], x.shape[2])
            let w = width(dx: dx)
            var out = [Float](repeating: 0, count: m * n * w)
            for p in 0..<(m * n) { for d in 0..<dx { for (j, l) in lambdas.enumerated() {
                let a = 2 * Float.pi * x.scalars[p * dx + d] / l
                out[p * w + (d * lambdas.count + j) * 2] = Foundation.sin(a)
                out[p * w + (d * lambdas.count + j) * 2 + 1] = Foundation.cos(a)
            } } }
            return Tensor(shape: [m, n, w], scalars: out)
        }
    }
}

/// Configuration of the fixed inputs t(x) of an approximately equivariant model.
public struct FixedInputsConfig: Codable, Sendable, Equatable {
    /// B, the number of fixed inputs (outputs of the MLP).
    public var count: Int
    /// Width of the MLP's two hidden layers.
    public var hiddenWidth: Int
    public var features: PositionFeatures
    /// Zero outside this box (nil: never zeroed).
    public var domain: DomainBox?
    /// Probability of dropping them for a whole task during training.
    public var dropoutProbability: Double
    /// Raw positions are divided by this before the MLP. [ours] The 1-D experiment uses 7, the half-width
    /// of the training domain, so that t(x) starts O(1) instead of O(|x|) ≈ 10 with Kaiming initialisation
    /// (an input standardisation; the authors feed raw positions and train 100× longer).
    public var inputScale: Float = 1
    /// The input dimensions the fixed inputs see, in this order (nil: all of them). The MLP and the domain box
    /// read only these coordinates, so the model stays exactly translation equivariant along the others even
    /// with the fixed inputs on (the environmental 4-D task: lon, lat and elevation, not time; Docs/station-data.md §5.6).
    public var inputDimensions: [Int]?
    public init(count: Int, hiddenWidth: Int, features: PositionFeatures = .raw, domain: DomainBox?, dropoutProbability: Double,
                inputScale: Float = 1, inputDimensions: [Int]? = nil) {
        self.count = count; self.hiddenWidth = hiddenWidth; self.features = features
        self.domain = domain; self.dropoutProbability = dropoutProbability; self.inputScale = inputScale
        self.inputDimensions = inputDimensions
    }

    /// The number of coordinates the fixed inputs see for inputs of dimension `dx`.
    public func seenDimensionCount(dx: Int) -> Int { inputDimensions?.count ?? dx }

    /// Why the selected dimensions or the box do not fit inputs of dimension `dx` (nil: they fit).
    public func validationError(dx: Int) -> String? {
        if let dims = inputDimensions, dims.isEmpty || Set(dims).count != dims.count || !dims.allSatisfy({ $0 >= 0 && $0 < dx }) {
            return "fixed-input dimensions \(dims) for dx = \(dx)"
        }
        if let box = domain, box.lower.count != seenDimensionCount(dx: dx) || box.upper.count != box.lower.count {
            return "a \(box.lower.count)-D fixed-input domain for \(seenDimensionCount(dx: dx)) seen dimensions"
        }
        return nil
    }

    /// Checks the selected dimensions and the box against the input dimension.
    func validate(dx: Int) {
        if let error = validationError(dx: dx) { require(false, error) }
    }
}

/// The fixed inputs t: 𝒳 → ℝ^c of §4 of the paper, as one component that every approximately
/// equivariant model uses: an MLP of absolute position (two hidden layers), optionally on Fourier features,
/// then — when B differs from the channel count c it is added to — a linear map B → c (the paper's B ablation);
/// zero outside the domain box; multiplied by the per-task keep mask.
public struct FixedInputs {
    public let config: FixedInputsConfig
    let mlp: MLP
    let projection: Linear?
    public let outputChannels: Int

    public init(_ scope: ParameterScope, config: FixedInputsConfig, inputDimension dx: Int, outputChannels c: Int,
                rng: inout RandomGenerator) {
        require(config.count >= 1, "B = 0 means no fixed inputs: build the model without them")
        config.validate(dx: dx)
        self.config = config
        outputChannels = c
        mlp = MLP(scope.child("mlp"), widths: [config.features.width(dx: config.seenDimensionCount(dx: dx)), config.hiddenWidth,
                                                config.hiddenWidth, config.count], rng: &rng)
        projection = config.count == c ? nil : Linear(scope.child("projection"), inputs: config.count, outputs: c, rng: &rng)
    }

    /// The coordinates the fixed inputs see, [m, n, seen], from positions [m, n, dx] (`x` itself when all).
    public func seenCoordinates(_ x: Tensor) -> Tensor {
        guard let dims = config.inputDimensions else { return x }
        let (m, n, dx) = (x.shape[0], x.shape[1], x.shape[2])
        var out = [Float](repeating: 0, count: m * n * dims.count)
        for p in 0..<(m * n) { for (j, d) in dims.enumerated() { out[p * dims.count + j] = x.scalars[p * dx + d] } }
        return Tensor(shape: [m, n, dims.count], scalars: out)
    }

    /// The 0/1 mask [m, n, 1] of positions whose seen coordinates lie strictly inside the domain box.
    public func domainMask(_ x: Tensor) -> Tensor {
        let seen = seenCoordinates(x)
        let (m, n, k) = (seen.shape[0], seen.shape[1], seen.shape[2])
        guard let box = config.domain else { return Tensor(repeating: 1, shape: [m, n, 1]) }
        return Tensor(shape: [m, n, 1], scalars: (0..<(m * n)).map { box.contains(seen.scalars[($0 * k)..<($0 * k + k)]) ? 1 : 0 })
    }

    /// t(x) ⊙ inDomain(x) ⊙ keep, shape [m, n, c], for positions `x` [m, n, dx].
    public func callAsFunction(_ tape: Tape, positions x: Tensor, switch sw: FixedInputSwitch) -> Variable {
        let m = x.shape[0]
        var f = config.features.features(seenCoordinates(x))
        if case .raw = config.features, config.inputScale != 1 { f.scalars = f.scalars.map { $0 / config.inputScale } }
        var t = mlp(tape, tape.constant(f))
        if let projection { t = projection(tape, t) }
        // One product with the two 0/1 masks' product: bit for bit the two products in turn (a factor of 0 or 1 is
        // exact, and t · 0 keeps t's sign either way), one pass over t instead of two.
        return tape.mul(t, tape.constant(Self.product(domainMask(x), keepingTasks: sw.keepMask(tasks: m))))
    }

    /// The [m, n, 1] mask `inDomain` with task i's rows multiplied by `keep` [m, 1, 1]'s entry i.
    static func product(_ inDomain: Tensor, keepingTasks keep: Tensor) -> Tensor {
        let (m, n) = (inDomain.shape[0], inDomain.shape[1])
        require(keep.shape == [m, 1, 1], "a keep mask [\(m), 1, 1] for \(m) tasks, got \(keep.shape)")
        var mask = inDomain
        for i in 0..<m { for j in 0..<n { mask.scalars[i * n + j] *= keep.scalars[i] } }
        return mask
    }
}

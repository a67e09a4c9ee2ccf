/// The fixed inputs of an approximately equivariant model, as its `ModelSpec` records them: present exactly for the
/// kinds that have them (and for the RelaxedConvCNP, whose relaxed weights are the same MLP of position), absent for
/// every other kind. Docs/fixed-inputs.md explains the component; `FixedInputsConfig` is what the model is built from.
public struct FixedInputSpec: Codable, Sendable, Equatable {
    /// How positions enter the MLP.
    public enum Positions: Codable, Sendable, Equatable {
        /// `count` Fourier wavelengths log-spaced up to `range` (the TNP (T̃), Docs/paper-spec.md A5); B is `count`.
        case fourier(range: Float)
        /// The coordinates divided by `divisor` (Docs/deviations.md, "Fixed-input positions are scaled").
        case scaled(divisor: Float)
    }

    /// B as built: the MLP's outputs, or the TNP (T̃)'s Fourier coefficients; the RelaxedConvCNP's C.
    public var count: Int
    /// Zero outside this open box, over the seen dimensions.
    public var domain: DomainBox
    /// The input dimensions the fixed inputs see, in this order (nil: all).
    public var seenDimensions: [Int]?
    public var positions: Positions
    /// The probability of dropping them for a whole task in training (Docs/paper-spec.md §5.1, A12).
    public var dropout: Double

    public init(count: Int, domain: DomainBox, seenDimensions: [Int]? = nil, positions: Positions, dropout: Double) {
        self.count = count; self.domain = domain; self.seenDimensions = seenDimensions; self.positions = positions
        self.dropout = dropout
    }

    /// Why these fixed inputs cannot serve a model with `dx` input dimensions (nil: they can).
    public func validationError(dx: Int) -> String? {
        if count < 1 { return "a fixed-input count of \(count): B must be at least 1 (a model without fixed inputs has no fixed-input spec)" }
        if !(0...1).contains(dropout) { return "a fixed-input dropout of \(dropout), outside [0, 1]" }
        return config(hiddenWidth: 1, dx: dx).validationError(dx: dx)
    }

    /// The component's configuration, with MLP hidden layers of `hiddenWidth`. The TNP (T̃)'s MLP maps its Fourier
    /// features to `outputs` (D_z); every other model's maps positions to B.
    func config(hiddenWidth: Int, dx: Int, outputs: Int? = nil) -> FixedInputsConfig {
        switch positions {
        case .fourier(let range):
            return FixedInputsConfig(count: outputs ?? count, hiddenWidth: hiddenWidth, features: .fourier(count: count, range: range),
                                     domain: domain, dropoutProbability: dropout, inputDimensions: seenDimensions)
        case .scaled(let divisor):
            return FixedInputsConfig(count: count, hiddenWidth: hiddenWidth, domain: domain, dropoutProbability: dropout,
                                     inputScale: divisor, inputDimensions: seenDimensions)
        }
    }
}

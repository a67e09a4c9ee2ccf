import NPNN

/// How every experiment optimises at a scale: the learning-rate schedule and the gradient clipping, one value shared
/// by the 1-D, smoke and environmental experiments (Docs/deviations.md, "Training protocol").
///
/// * `reduced` (the `ci`, `quick` and `standard` scales): the base rate warmed up linearly over the first 5 % of
///   the steps, then decayed by a cosine to zero; gradients clipped by their global norm at 0.5. At a constant rate
///   and with per-element clipping, short runs ended wherever the last few hundred noisy steps left them (1-D
///   validation scores swung by 0.05–0.12 nats between checkpoints; a smoke run fell from 2.32 to 1.96 in its last
///   500 steps). The final weights are scored: the decay to zero makes them the settled end of the run, and choosing
///   among checkpoints by a small validation set would add a selection effect of its own.
/// * `paper`: the paper's constant rate, with the same norm clipping (what the authors' code does; the paper's
///   "gradient value magnitudes are clipped" remains available as `GradientClipping.value`).
public struct OptimisationProtocol: Codable, Sendable, Equatable {
    /// Warm-up steps as a fraction of the run, then cosine decay to zero (nil: constant rate).
    public var warmupFraction: Double?
    public var clipping: GradientClipping

    public init(warmupFraction: Double?, clipping: GradientClipping) {
        self.warmupFraction = warmupFraction; self.clipping = clipping
    }

    public static let reduced = OptimisationProtocol(warmupFraction: 0.05, clipping: .norm(0.5))
    public static let paper = OptimisationProtocol(warmupFraction: nil, clipping: .norm(0.5))

    /// One sentence for captions and report notes.
    public var summary: String {
        let rate = warmupFraction.map { String(format: "AdamW at 5·10⁻⁴, warmed up over the first %.0f %% of the steps, then cosine-decayed to zero", 100 * $0) }
            ?? "AdamW at a constant 5·10⁻⁴"
        let clip: String
        switch clipping {
        case .norm(let c): clip = "gradients clipped by global norm at \(c)"
        case .value(let c): clip = "gradient elements clipped at ±\(c)"
        case .none: clip = "no gradient clipping"
        }
        return "\(rate); \(clip); the final weights are scored"
    }

    /// `schedule` with this protocol's clipping and learning-rate schedule.
    public func applied(to schedule: TrainingSchedule) -> TrainingSchedule {
        var s = schedule
        s.clipping = clipping
        if let warmupFraction {
            s.learningRateSchedule = .warmupCosine(warmup: max(1, Int((Double(s.steps) * warmupFraction).rounded())), finalFraction: 0)
        }
        return s
    }
}

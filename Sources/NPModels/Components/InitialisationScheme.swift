/// How a model's parameters start.
///
/// With the authors' Kaiming initialisation everywhere (`kaiming`), the last layer of the head turns O(10)
/// features into means of O(10–100) and raw scales of ±100 or more, so that a freshly built model scores
/// thousands to billions of nats per target on standardised data (Docs/deviations.md, "Initialisation").
/// `calibrated` changes four things, none of which changes what a model can represent:
///
/// 1. the head's output layer starts at zero, so every model starts as the predictor N(0, softplus(0)) — a few
///    nats per target, the order of the best constant predictor;
/// 2. each SetConv decoder kernel is divided by its mass at its initial lengthscale, ∏_d √(2π) ℓ₀ ppu, so that a
///    constant grid function is decoded to itself (instead of ×(2π)^{d/2} ℓ₀^d, up to ×16 at the station grid);
/// 3. the relaxed convolutions' fixed inputs enter as f ⊙ (1 + t / 3) (the 1/(3L) normalisation of the authors'
///    relaxed layers with L = 1 kernel), so that (1 + t) does not compound over the layers of the U-Net;
/// 4. group convolutions are initialised by their fan-in, so that the group CNN keeps its activations' scale (with
///    the fan-out of the equivalent ordinary convolution its output was 1/60 of its input at the quick sizes).
public enum InitialisationScheme: String, Codable, Sendable, Equatable, CaseIterable {
    case kaiming
    case calibrated

    /// The head's output layer starts at zero.
    public var zeroHeadOutput: Bool { self == .calibrated }
    /// SetConv decoder kernels divided by their initial mass.
    public var normalisedDecoder: Bool { self == .calibrated }
    /// The factor t is multiplied by in a relaxed convolution's f ⊙ (1 + t).
    public var relaxationScale: Float { self == .calibrated ? 1 / 3 : 1 }
    /// Group convolutions initialised by their fan-in.
    public var fanInGroupConvolutions: Bool { self == .calibrated }
}

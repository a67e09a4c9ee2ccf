import NPTensor

extension ModelSpec {
    /// M as built: the explicit count, or D_z.
    public var resolvedPseudoTokenCount: Int { pseudoTokenCount ?? preset.tnp.width }

    /// PT-TNP, PT-TNP (T) or PT-TNP (T̃) (Docs/paper-spec.md §5.4) with the preset's transformer sizes. The PT-TNP (T̃)'s fixed
    /// inputs: an MLP of the pseudo-locations (two hidden layers of width D_z) to B outputs (D_z by default, then
    /// added; a linear map B → D_z otherwise), positions divided by `positionScale` as for the CNN models, zero
    /// outside `domain`, dropped per task with probability `dropoutTNP` (0.5, Docs/paper-spec.md §5.1). The head's scale follows
    /// `scaleParameterisation` (σ = softplus(raw) for the smoke experiment).
    func buildPseudoTokenTransformer(translationEquivariant te: Bool, fixed: Bool, rng: inout RandomGenerator) -> NeuralProcess {
        let b = resolvedFixedInputCount, d = preset.tnp.width
        let config = fixed && b > 0
            ? FixedInputsConfig(count: b, hiddenWidth: d, domain: domain, dropoutProbability: dropoutTNP, inputScale: positionScale,
                                inputDimensions: fixedInputDimensions)
            : nil
        return PseudoTokenTNP(config: preset.tnp, pseudoTokens: resolvedPseudoTokenCount, translationEquivariant: te, fixedInputs: config,
                              inputDimension: dx, outputDimension: dy, scaleParameterisation: scaleParameterisation ?? .varianceSoftplus,
                              scaleFloor: scaleFloor ?? GaussianHead.defaultFloor, initialisation: initialisationScheme, rng: &rng)
    }
}

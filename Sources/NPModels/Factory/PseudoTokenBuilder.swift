import NPTensor

extension ModelSpec {
    /// PT-TNP, PT-TNP (T) or PT-TNP (T̃) (Docs/paper-spec.md §5.4). The PT-TNP (T̃)'s fixed inputs: an MLP of the
    /// pseudo-locations (two hidden layers of width D_z) to B outputs (D_z by default, then added; a linear map
    /// B → D_z otherwise).
    func buildPseudoTokenTransformer(_ a: PseudoTokenArchitecture, translationEquivariant te: Bool, rng: inout RandomGenerator) -> NeuralProcess {
        PseudoTokenTNP(config: a.sizes, pseudoTokens: a.pseudoTokens, translationEquivariant: te,
                       fixedInputs: fixedInputs?.config(hiddenWidth: a.sizes.width, dx: dx), inputDimension: dx, outputDimension: dy,
                       scaleParameterisation: a.head.parameterisation, scaleFloor: a.head.floor, initialisation: a.initialisation, rng: &rng)
    }
}

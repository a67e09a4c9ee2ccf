import NPAutodiff
import NPNN
import NPTensor

// Shapes: m tasks, nc / nt context / target points, M pseudo-tokens, dx inputs, dy outputs, d = D_z token width.

/// Pseudo-token transformer NPs (Docs/paper-spec.md §5.4), induced-set-transformer (IST) style, for any input dimension:
/// M learned pseudo-tokens summarise the context, and the targets read from the pseudo-tokens, so the cost is
/// O(M · (nc + nt)) per layer instead of O(nc · (nc + nt)).
///
/// * PT-TNP: tokens as the TNP's (`TokenEmbedding`), standard attention; the pseudo-tokens are learned
///   (N(0, I) initialisation, Docs/paper-spec.md A4).
/// * PT-TNP (T) = PT-TE-TNP: TE attention (x enters only through the logits); the pseudo-tokens sit at
///   pseudo-locations v_m = v_{m,0} + mean of the task's real context inputs, with learned offsets v_{m,0}
///   (N(0, I) initialisation). Shifting every input shifts the mean and with it the pseudo-locations, so the
///   model is translation-equivariant for any shift.
/// * PT-TNP (T̃): the PT-TNP (T) with fixed inputs t(v_m) — an MLP of the pseudo-locations — added to the initial
///   pseudo-tokens, dropped per task in training, zero outside the domain box. The offsets learn through both
///   the TE logits and t.
///
/// Per layer (the authors' `TEISTEncoder`, three blocks with their own weights):
/// u ← block_c→u(u ← z_c), z_c ← block_u→c(z_c ← u), z_t ← block_u→t(z_t ← u). The last layer's context
/// update cannot reach the targets and is not computed (its parameters exist, as in the authors' model, and get
/// zero gradient). Padded context points are masked out as keys of the pseudo-tokens' attention, the only
/// place where context tokens are keys.
public final class PseudoTokenTNP: NeuralProcess {
    public let parameters: ParameterStore
    public let translationEquivariant: Bool
    public let inputDimension: Int
    public let outputDimension: Int
    public let pseudoTokenCount: Int
    let tokens: TokenEmbedding
    /// u_0, [M, d].
    let pseudoTokens: Variable
    /// v_0, [M, dx] (TE models only).
    let pseudoLocationOffsets: Variable?
    public let fixedInputs: FixedInputs?
    let layers: [(contextToPseudo: AttentionBlock, pseudoToContext: AttentionBlock, pseudoToTargets: AttentionBlock)]
    let head: GaussianHead
    /// How TE attention computes its logits (fused by default; the reference composition for tests).
    public var logitImplementation: MultiHeadAttention.LogitImplementation = .fused

    public init(config: TNP.Config, pseudoTokens count: Int, translationEquivariant te: Bool, fixedInputs fixed: FixedInputsConfig?,
                inputDimension dx: Int, outputDimension dy: Int = 1, scaleParameterisation: ScaleParameterisation = .varianceSoftplus,
                scaleFloor: Float = GaussianHead.defaultFloor, initialisation: InitialisationScheme = .kaiming, rng: inout RandomGenerator) {
        require(count >= 1, "a pseudo-token TNP needs at least one pseudo-token")
        require(fixed == nil || te, "fixed inputs sit at pseudo-locations, which only the PT-TNP (T) has")
        require(fixed.map { $0.features == .raw } ?? true, "the PT-TNP (T̃)'s fixed inputs are an MLP of the raw pseudo-locations")
        let store = ParameterStore()
        parameters = store
        translationEquivariant = te
        inputDimension = dx; outputDimension = dy; pseudoTokenCount = count
        let d = config.width
        tokens = TokenEmbedding(store.root, translationEquivariant: te, inputDimension: dx, outputDimension: dy, width: d, rng: &rng)
        pseudoTokens = store.make("pseudo_tokens", rng.normalTensor([count, d]))
        pseudoLocationOffsets = te ? store.make("pseudo_locations", rng.normalTensor([count, dx])) : nil
        fixedInputs = fixed.map { FixedInputs(store.root.child("fixed_inputs"), config: $0, inputDimension: dx, outputChannels: d, rng: &rng) }
        func block(_ name: String) -> AttentionBlock {
            AttentionBlock(store.root.child(name), width: d, heads: config.heads, headWidth: config.headWidth,
                           translationEquivariant: te, inputDimension: dx, rng: &rng)
        }
        layers = (0..<config.layers).map { i in
            (block("layer\(i).context_to_pseudo"), block("layer\(i).pseudo_to_context"), block("layer\(i).pseudo_to_targets"))
        }
        head = GaussianHead(store.root.child("head"), inputs: d, hidden: d, outputDimension: dy, parameterisation: scaleParameterisation,
                            floor: scaleFloor, initialisation: initialisation, rng: &rng)
    }

    public var fixedInputDropout: Double? { fixedInputs?.config.dropoutProbability }

    /// The mean of each task's real context inputs, [m, 1, dx] (accumulated in Double).
    public static func contextMean(_ xc: Tensor, mask: Tensor?) -> Tensor {
        let (m, nc, dx) = (xc.shape[0], xc.shape[1], xc.shape[2])
        var out = [Float](repeating: 0, count: m * dx)
        for b in 0..<m {
            var sum = [Double](repeating: 0, count: dx), n = 0.0
            for i in 0..<nc where mask == nil || mask!.scalars[b * nc + i] != 0 {
                for c in 0..<dx { sum[c] += Double(xc.scalars[(b * nc + i) * dx + c]) }
                n += 1
            }
            require(n > 0, "task \(b) has no real context point: the pseudo-locations follow the context mean")
            for c in 0..<dx { out[b * dx + c] = Float(sum[c] / n) }
        }
        return Tensor(shape: [m, 1, dx], scalars: out)
    }

    /// The pseudo-locations v = v_0 + context mean, [m, M, dx], for the TE models (nil otherwise).
    public func pseudoLocations(_ tape: Tape, context: ContextSet) -> Variable? {
        pseudoLocationOffsets.map { tape.add(tape.constant(Self.contextMean(context.x, mask: context.mask)), $0) }
    }

    public func predict(_ tape: Tape, context: ContextSet, xt: Tensor, fixedInputs sw: FixedInputSwitch) -> Prediction {
        let (xc, yc, mask) = (context.x, context.y, context.mask)
        let (m, dx, dy) = (xc.shape[0], xc.shape[2], yc.shape[2])
        require(dx == inputDimension && xt.shape[2] == dx && dy == outputDimension,
                     "a PT-TNP for dx = \(inputDimension), dy = \(outputDimension) given dx = \(dx) (context), \(xt.shape[2]) (targets), dy = \(dy)")
        var zc = tokens.context(tape, x: xc, y: yc)
        var zt = tokens.targets(tape, x: xt, outputDimension: dy)
        var zq = tape.add(tape.constant(.zeros([m, pseudoTokenCount, pseudoTokens.shape[1]])), pseudoTokens)
        let xq = pseudoLocations(tape, context: context)
        if let fixedInputs, let xq { zq = tape.add(zq, fixedInputs(tape, locations: xq, switch: sw)) }
        let te = translationEquivariant
        let xcVar = te ? tape.constant(xc) : nil, xtVar = te ? tape.constant(xt) : nil
        for (i, layer) in layers.enumerated() {
            zq = layer.contextToPseudo(tape, zq, keys: zc, queryPositions: xq, keyPositions: xcVar, keyMask: mask, implementation: logitImplementation)
            if i < layers.count - 1 {
                zc = layer.pseudoToContext(tape, zc, keys: zq, queryPositions: xcVar, keyPositions: xq, implementation: logitImplementation)
            }
            zt = layer.pseudoToTargets(tape, zt, keys: zq, queryPositions: xtVar, keyPositions: xq, implementation: logitImplementation)
        }
        return head(tape, zt)
    }
}

extension FixedInputs {
    /// t(v) ⊙ inDomain(v) ⊙ keep for positions that are variables (learned pseudo-locations, [m, n, dx]), so that
    /// the positions get gradients through the MLP. Raw position features only.
    public func callAsFunction(_ tape: Tape, locations v: Variable, switch sw: FixedInputSwitch) -> Variable {
        require(config.features == .raw, "fixed inputs of variable positions take raw position features")
        let seen = config.inputDimensions.map { tape.gather(v, axis: 2, indices: $0) } ?? v
        let input = config.inputScale == 1 ? seen : tape.affine(seen, scale: 1 / config.inputScale)
        var t = mlp(tape, input)
        if let projection { t = projection(tape, t) }
        t = tape.mul(t, tape.constant(domainMask(v.value)))
        return tape.mul(t, tape.constant(sw.keepMask(tasks: v.shape[0])))
    }
}

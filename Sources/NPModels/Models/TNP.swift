import NPAutodiff
import NPNN
import NPTensor

// Shapes: m tasks, nc / nt context / target points, dx inputs, dy outputs, d = D_z token width.

/// Transformer neural processes as one composition: token embedding → attention stack → Gaussian head.
///
/// * TNP (non-equivariant): context tokens MLP([x, y, 1]), target tokens MLP([x, 0, 0]) (one MLP), standard attention.
/// * TNP (T) = TE-TNP: context tokens MLP(y), one learned target token (N(0, I) initialisation, Docs/paper-spec.md A4),
///   TE attention; x enters only through the attention logits.
/// * TNP (T̃): the TE-TNP with fixed inputs t(x_c) (Fourier features + MLP) added to the context tokens.
///
/// Per layer (the authors' encoder, Docs/paper-spec.md A16): z_c ← block(z_c) (self-attention), then
/// z_t ← block(z_t ← z_c) (cross-attention to the updated context), the *same* block (weights shared).
/// Padded context points are masked out of every attention as keys.
public final class TNP: NeuralProcess {
    public struct Config: Codable, Sendable, Equatable {
        public var width: Int
        public var layers: Int
        public var heads: Int
        public var headWidth: Int
        public init(width: Int, layers: Int, heads: Int, headWidth: Int) {
            self.width = width; self.layers = layers; self.heads = heads; self.headWidth = headWidth
        }
    }

    public let parameters: ParameterStore
    public let translationEquivariant: Bool
    public let inputDimension: Int
    public let outputDimension: Int
    let tokens: TokenEmbedding
    public let fixedInputs: FixedInputs?
    let blocks: [AttentionBlock]
    let head: GaussianHead
    /// How TE attention computes its logits (fused by default; the reference composition for tests).
    public var logitImplementation: MultiHeadAttention.LogitImplementation = .fused

    public init(config: Config, translationEquivariant te: Bool, fixedInputs fixed: FixedInputsConfig?,
                inputDimension dx: Int = 1, outputDimension dy: Int = 1, rng: inout RandomGenerator) {
        require(fixed == nil || te, "fixed inputs are added to the TE-TNP only")
        let store = ParameterStore()
        parameters = store
        translationEquivariant = te
        inputDimension = dx; outputDimension = dy
        let d = config.width
        tokens = TokenEmbedding(store.root, translationEquivariant: te, inputDimension: dx, outputDimension: dy, width: d, rng: &rng)
        fixedInputs = fixed.map { FixedInputs(store.root.child("fixed_inputs"), config: $0, inputDimension: dx, outputChannels: d, rng: &rng) }
        blocks = (0..<config.layers).map { i in
            AttentionBlock(store.root.child("layer\(i)"), width: d, heads: config.heads, headWidth: config.headWidth,
                           translationEquivariant: te, inputDimension: dx, rng: &rng)
        }
        head = GaussianHead(store.root.child("head"), inputs: d, hidden: d, outputDimension: dy, rng: &rng)
    }

    public var fixedInputDropout: Double? { fixedInputs?.config.dropoutProbability }

    public func predict(_ tape: Tape, context: ContextSet, xt: Tensor, fixedInputs sw: FixedInputSwitch) -> Prediction {
        let (xc, yc, mask) = (context.x, context.y, context.mask)
        let (dx, dy) = (xc.shape[2], yc.shape[2])
        require(dx == inputDimension && xt.shape[2] == dx && dy == outputDimension,
                     "a TNP for dx = \(inputDimension), dy = \(outputDimension) given dx = \(dx) (context), \(xt.shape[2]) (targets), dy = \(dy)")
        var zc = tokens.context(tape, x: xc, y: yc)
        var zt = tokens.targets(tape, x: xt, outputDimension: dy)
        if let fixedInputs { zc = tape.add(zc, fixedInputs(tape, positions: xc, switch: sw)) }
        let te = translationEquivariant
        for block in blocks {
            zc = block(tape, zc, xq: te ? xc : nil, keyMask: mask, implementation: logitImplementation)
            zt = block(tape, zt, keys: zc, xq: te ? xt : nil, xk: te ? xc : nil, keyMask: mask, implementation: logitImplementation)
        }
        return head(tape, zt)
    }
}

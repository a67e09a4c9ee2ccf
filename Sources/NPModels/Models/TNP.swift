import NPAutodiff
import NPNN
import NPTensor

// Shapes: m tasks, nc / nt context / target points, dx inputs, dy outputs, d = D_z token width.

/// Transformer neural processes as one composition: token embedding → attention stack → Gaussian head.
///
/// * TNP (non-equivariant): context tokens MLP([x, y, 1]), target tokens MLP([x, 0, 0]) (one MLP), standard attention.
/// * TNP (T) = TE-TNP: context tokens MLP(y), one learned target token (N(0, I) initialisation, reading A4),
///   TE attention; x enters only through the attention logits.
/// * TNP (T̃): the TE-TNP with fixed inputs t(x_c) (Fourier features + MLP) added to the context tokens.
///
/// Per layer (the authors' encoder, reading A16): z_c ← block(z_c) (self-attention), then
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
    let tokenMLP: MLP
    let targetToken: Variable?
    public let fixedInputs: FixedInputs?
    let blocks: [AttentionBlock]
    let head: GaussianHead

    public init(config: Config, translationEquivariant te: Bool, fixedInputs fixed: FixedInputsConfig?,
                inputDimension dx: Int = 1, outputDimension dy: Int = 1, rng: inout RandomGenerator) {
        require(fixed == nil || te, "fixed inputs are added to the TE-TNP only")
        let store = ParameterStore()
        parameters = store
        translationEquivariant = te
        inputDimension = dx; outputDimension = dy
        let d = config.width
        let tokenInputs = te ? dy : dx + dy + 1
        tokenMLP = MLP(store.root.child("tokens"), widths: [tokenInputs, d, d, d], rng: &rng)
        targetToken = te ? store.make("target_token", rng.normalTensor([d])) : nil
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
        let (m, nc, nt) = (xc.shape[0], xc.shape[1], xt.shape[1])
        let (dx, dy) = (xc.shape[2], yc.shape[2])
        require(dx == inputDimension && xt.shape[2] == dx && dy == outputDimension,
                     "a TNP for dx = \(inputDimension), dy = \(outputDimension) given dx = \(dx) (context), \(xt.shape[2]) (targets), dy = \(dy)")
        var zc: Variable, zt: Variable
        if translationEquivariant {
            zc = tokenMLP(tape, tape.constant(yc))
            zt = tape.add(tape.constant(.zeros([m, nt, targetToken!.shape[0]])), targetToken!)
        } else {
            // [x, y, 1] for context, [x, 0, 0] for targets (the paper's flags, reading A15).
            var c = [Float](repeating: 1, count: m * nc * (dx + dy + 1))
            for p in 0..<(m * nc) {
                for k in 0..<dx { c[p * (dx + dy + 1) + k] = xc.scalars[p * dx + k] }
                for k in 0..<dy { c[p * (dx + dy + 1) + dx + k] = yc.scalars[p * dy + k] }
            }
            var t = [Float](repeating: 0, count: m * nt * (dx + dy + 1))
            for p in 0..<(m * nt) { for k in 0..<dx { t[p * (dx + dy + 1) + k] = xt.scalars[p * dx + k] } }
            zc = tokenMLP(tape, tape.constant(Tensor(shape: [m, nc, dx + dy + 1], scalars: c)))
            zt = tokenMLP(tape, tape.constant(Tensor(shape: [m, nt, dx + dy + 1], scalars: t)))
        }
        if let fixedInputs { zc = tape.add(zc, fixedInputs(tape, positions: xc, switch: sw)) }
        let te = translationEquivariant
        for block in blocks {
            zc = block(tape, zc, xq: te ? xc : nil, keyMask: mask)
            zt = block(tape, zt, keys: zc, xq: te ? xt : nil, xk: te ? xc : nil, keyMask: mask)
        }
        return head(tape, zt)
    }
}

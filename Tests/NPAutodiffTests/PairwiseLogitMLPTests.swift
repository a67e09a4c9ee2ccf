import NPAutodiff
import NPTensor
import NPTestSupport
import Testing

/// The fused TE-attention logit op against its unfused composition (values and every gradient) and against
/// central differences.
@Suite struct PairwiseLogitMLPTests {
    /// A problem instance: inputs q, k, xq, xk, then weight/bias pairs of an MLP dx + H → hidden → hidden → H.
    struct Instance {
        var inputs: [Tensor]
        var mask: Tensor?
        let layerCount: Int
        let dotScale: Float = 0.35

        /// `hidden` nil: a single linear layer dx + H → H (no ReLU kinks, for central differences).
        init(tasks m: Int, heads: Int, queries nq: Int, keys nk: Int, headWidth dh: Int, dx: Int, hidden: Int?, masked: Bool, seed: UInt64) {
            var rng = RandomGenerator(seed: seed)
            inputs = [rng.uniformTensor([m, heads, nq, dh], low: -1, high: 1), rng.uniformTensor([m, heads, nk, dh], low: -1, high: 1),
                      rng.uniformTensor([m, nq, dx], low: -2, high: 2), rng.uniformTensor([m, nk, dx], low: -2, high: 2)]
            let widths = hidden.map { [dx + heads, $0, $0, heads] } ?? [dx + heads, heads]
            layerCount = widths.count - 1
            for (i, o) in zip(widths, widths.dropFirst()) {
                inputs.append(rng.uniformTensor([o, i], low: -0.6, high: 0.6))
                inputs.append(rng.uniformTensor([o], low: -0.2, high: 0.2))
            }
            mask = masked ? Tensor(shape: [m, nk], scalars: (0..<(m * nk)).map { $0 % nk < nk - 1 - ($0 / nk) % 2 ? 1 : 0 }) : nil
        }

        func layers(_ v: [Variable]) -> [PairwiseMLPLayer] {
            (0..<layerCount).map { PairwiseMLPLayer(weight: v[4 + 2 * $0], bias: v[5 + 2 * $0]) }
        }

        func fused(_ t: Tape, _ v: [Variable], pairsPerBlock: Int) -> Variable {
            t.pairwiseLogitMLP(queries: v[0], keys: v[1], dotScale: dotScale, queryPositions: v[2], keyPositions: v[3],
                               layers: layers(v), keyMask: mask, pairsPerBlock: pairsPerBlock)
        }

        func reference(_ t: Tape, _ v: [Variable]) -> Variable {
            t.pairwiseLogitMLPReference(queries: v[0], keys: v[1], dotScale: dotScale, queryPositions: v[2], keyPositions: v[3],
                                        layers: layers(v), keyMask: mask)
        }
    }

    /// Values and gradients of all inputs through both implementations, for the loss Σ w ⊙ logits with the
    /// padded keys' entries left out of w (their value is −10³⁰ in both).
    func compare(_ inst: Instance, pairsPerBlock: Int) -> (value: Float, gradient: Float) {
        func run(_ build: (Tape, [Variable]) -> Variable) -> (out: [Float], grads: [[Float]]) {
            let tape = Tape()
            let vars = inst.inputs.map { Variable($0, requiresGrad: true) }
            let out = build(tape, vars)
            var w = randomTensor(out.shape, seed: 99)
            let (m, h, nq, nk) = (out.shape[0], out.shape[1], out.shape[2], out.shape[3])
            var kept = out.scalars
            if let mask = inst.mask {
                for i in 0..<w.count where mask.scalars[(i / (h * nq * nk)) * nk + i % nk] == 0 { w.scalars[i] = 0; kept[i] = 0 }
            }
            _ = m
            tape.backward(from: tape.sumAll(tape.mul(out, tape.constant(w))))
            return (kept, vars.map(\.grad.scalars))
        }
        let fused = run { inst.fused($0, $1, pairsPerBlock: pairsPerBlock) }
        let reference = run(inst.reference)
        let valueScale = max(reference.out.map(abs).max()!, 1e-3)
        let valueError = maxAbsDifference(fused.out, reference.out) / valueScale
        var gradientError: Float = 0
        for (a, b) in zip(fused.grads, reference.grads) {
            gradientError = max(gradientError, maxAbsDifference(a, b) / max(b.map(abs).max()!, 1e-3))
        }
        return (valueError, gradientError)
    }

    /// Block sizes that split the queries unevenly (partial last block), one query per block, and one block per task;
    /// 1-, 2- and 4-D positions; with and without padded keys.
    @Test(arguments: [(1, 1), (2, 3), (4, 1000), (2, 7), (4, 11)])
    func fusedEqualsTheUnfusedComposition(_ dx: Int, _ pairsPerBlock: Int) {
        for masked in [false, true] {
            let inst = Instance(tasks: 2, heads: 3, queries: 7, keys: 5, headWidth: 4, dx: dx, hidden: 6, masked: masked, seed: UInt64(dx))
            let (value, gradient) = compare(inst, pairsPerBlock: pairsPerBlock)
            #expect(value < 1e-5 && gradient < 1e-5, "dx \(dx), block \(pairsPerBlock), masked \(masked): value \(value), gradient \(gradient)")
        }
    }

    /// Large enough (a few MFLOP) to be split over the workers, with private gradient accumulators.
    @Test func fusedEqualsTheUnfusedCompositionWhenSplitOverWorkers() {
        let inst = Instance(tasks: 3, heads: 4, queries: 24, keys: 33, headWidth: 8, dx: 2, hidden: 32, masked: true, seed: 12)
        let (value, gradient) = compare(inst, pairsPerBlock: 100)
        #expect(value < 1e-5 && gradient < 1e-5, "value \(value), gradient \(gradient)")
    }

    /// The recorded ReLU pattern is, per pair and hidden unit, whether the unfused composition's pre-activation is
    /// positive (up to float32 rounding: disagreements only where it is within 10⁻⁴ of zero), for blocks split over
    /// the workers with a partial last block; calls are recorded in order, each with its own shape.
    @Test func reluPatternsAreTheHiddenUnitsThatPass() {
        let first = Instance(tasks: 3, heads: 4, queries: 25, keys: 33, headWidth: 8, dx: 2, hidden: 32, masked: true, seed: 13)
        let second = Instance(tasks: 2, heads: 4, queries: 5, keys: 7, headWidth: 8, dx: 2, hidden: 32, masked: false, seed: 14)
        let tape = Tape()
        tape.pairwiseReLUPatterns = PairwiseReLUPatterns()
        for inst in [first, second] { _ = inst.fused(tape, inst.inputs.map { Variable($0, requiresGrad: true) }, pairsPerBlock: 100) }
        let patterns = tape.pairwiseReLUPatterns!.tensors
        #expect(patterns.count == 2 && patterns.allSatisfy { $0.count == 2 })
        #expect(patterns[1][0].shape == [2, 5, 7, 32])
        // Pre-activations of both hidden layers by ordinary ops, [m, nq, nk, hidden].
        let t = Tape(recording: false), v = first.inputs.map { t.constant($0) }
        let (m, nq, nk) = (3, 25, 33)
        let dots = t.permute(t.affine(t.matmul(v[0], v[1], transposeB: true), scale: first.dotScale), [0, 2, 3, 1])
        let diff = t.sub(t.reshape(v[2], [m, nq, 1, 2]), t.reshape(v[3], [m, 1, nk, 2]))
        let z1 = t.dense(t.concat([diff, dots], axis: -1), weight: v[4], bias: v[5], relu: false)
        let z2 = t.dense(t.relu(z1), weight: v[6], bias: v[7], relu: false)
        for (pattern, z) in zip(patterns[0], [z1, z2]) {
            #expect(pattern.shape == z.shape)
            let disagreements = zip(pattern.scalars, z.scalars).filter { ($0 == 1) != ($1 > 0) }
            #expect(disagreements.allSatisfy { abs($0.1) < 1e-4 }, "\(disagreements.prefix(3))")
            #expect(pattern.scalars.contains(0) && pattern.scalars.contains(1))
        }
    }

    /// Activations kept from the forward pass (within the budget) and recomputed in the backward pass (budget 0)
    /// give the same values and gradients to the bit, on one worker and split over the workers, with a partial last
    /// block (25 queries in blocks of 3) and at the pseudo-token models' sizes (64 pseudo-tokens, 61 padded keys).
    @Test(arguments: [(2, 3, 7, 5, 6, 3), (3, 4, 24, 33, 32, 100), (3, 4, 25, 33, 32, 100), (8, 4, 64, 61, 32, 4096)])
    func keptActivationsGiveTheRecomputedGradientsBitwise(_ m: Int, _ heads: Int, _ nq: Int, _ nk: Int, _ hidden: Int, _ pairsPerBlock: Int) {
        let inst = Instance(tasks: m, heads: heads, queries: nq, keys: nk, headWidth: 4, dx: 2, hidden: hidden, masked: true, seed: 21)
        func run(budget: Int) -> (out: [Float], grads: [[Float]]) {
            let tape = Tape()
            let v = inst.inputs.map { Variable($0, requiresGrad: true) }
            let out = tape.pairwiseLogitMLP(queries: v[0], keys: v[1], dotScale: inst.dotScale, queryPositions: v[2], keyPositions: v[3],
                                            layers: inst.layers(v), keyMask: inst.mask, pairsPerBlock: pairsPerBlock, activationBudget: budget)
            let w = randomTensor(out.shape, seed: 98).scalars.enumerated().map { $1 * (out.scalars[$0] < -1e29 ? 0 : 1) }
            tape.backward(from: tape.sumAll(tape.mul(out, tape.constant(Tensor(shape: out.shape, scalars: w)))))
            return (out.scalars, v.map(\.grad.scalars))
        }
        let (kept, recomputed) = (run(budget: PairwiseActivations.budget), run(budget: 0))
        #expect(kept.out == recomputed.out)
        #expect(kept.grads == recomputed.grads)
    }

    /// Every input's gradient against central differences. The MLP is one linear layer here: with hidden ReLU
    /// layers some of the many pair units sit within a step of their kink, where central differences are wrong;
    /// the ReLU layers' backward pass is checked against the reference composition above instead (whose dense
    /// layers have their own finite-difference check).
    @Test(arguments: [1, 2, 4])
    func gradientsMatchFiniteDifferences(_ dx: Int) {
        let inst = Instance(tasks: 2, heads: 2, queries: 3, keys: 4, headWidth: 3, dx: dx, hidden: nil, masked: false, seed: 40 + UInt64(dx))
        expectGradientsMatch(inst.inputs) { t, v in inst.fused(t, v, pairsPerBlock: 5) }
    }

    /// With padded keys the real entries' gradients still match (the padded entries are constant −10³⁰).
    @Test func gradientsMatchFiniteDifferencesWithPaddedKeys() {
        let inst = Instance(tasks: 2, heads: 2, queries: 3, keys: 4, headWidth: 3, dx: 2, hidden: nil, masked: true, seed: 50)
        let mask = inst.mask!
        expectGradientsMatch(inst.inputs) { t, v in
            // Zero the padded entries so that the finite differences see only real pairs.
            let logits = inst.fused(t, v, pairsPerBlock: 5)
            let keep = Tensor(shape: [2, 1, 1, 4], scalars: mask.scalars)
            return t.mul(t.add(logits, t.constant(Tensor(shape: [2, 1, 1, 4], scalars: mask.scalars.map { $0 == 0 ? 1e30 : 0 }))), t.constant(keep))
        }
    }

    /// Constant positions (the TE-TNP's data) and no gradient wanted for them: the op must not need one.
    @Test func constantPositionsGetNoGradient() {
        let inst = Instance(tasks: 1, heads: 2, queries: 3, keys: 4, headWidth: 2, dx: 1, hidden: 4, masked: false, seed: 60)
        let tape = Tape()
        let vars = inst.inputs.enumerated().map { Variable($0.element, requiresGrad: $0.offset != 2 && $0.offset != 3) }
        tape.backward(from: tape.sumAll(inst.fused(tape, vars, pairsPerBlock: 4)))
        #expect(!vars[2].hasGrad && !vars[3].hasGrad && vars[0].hasGrad && vars[4].hasGrad)
    }
}

/// The branch-free ReLU gradient mask against the obvious loop, for every length around the 16-lane blocks and
/// outputs that are exactly zero.
@Suite struct ReLUMaskTests {
    @Test func maskEqualsTheScalarLoop() {
        for n in 0...40 {
            var y = randomTensor([max(n, 1)], seed: UInt64(n)).scalars
            for i in stride(from: 0, to: n, by: 5) { y[i] = 0 }
            let g = randomTensor([max(n, 1)], seed: UInt64(100 + n)).scalars
            var fast = g
            fast.withUnsafeMutableBufferPointer { pg in y.withUnsafeBufferPointer { py in maskReLUGradient(pg.baseAddress!, output: py.baseAddress!, count: n) } }
            let slow = g.indices.map { $0 < n && y[$0] <= 0 ? 0 : g[$0] }
            #expect(fast == slow, "n = \(n)")
        }
    }
}

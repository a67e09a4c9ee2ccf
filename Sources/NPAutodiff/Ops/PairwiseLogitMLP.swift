import NPTensor

// Shapes: m tasks, H heads of width dh, nq queries, nk keys, dx input dimension; the MLP maps dx + H → … → H.

/// One layer of the pairwise logit MLP: `weight [out, in]` (PyTorch layout), optional `bias [out]`.
public struct PairwiseMLPLayer {
    public let weight: Variable
    public let bias: Variable?
    public init(weight: Variable, bias: Variable?) { self.weight = weight; self.bias = bias }
}

extension Tape {
    /// The logits of translation-equivariant attention (Docs/paper-spec.md §3.4): for every task b, head h, query i and key j,
    ///
    ///     logits[b, h, i, j] = ρ([xq[b, i] − xk[b, j], dots[b, ·, i, j]])_h + (keyMask[b, j] = 0 ? −10³⁰ : 0),
    ///     dots[b, h, i, j] = dotScale · q[b, h, i] · k[b, h, j],
    ///
    /// with ρ the MLP `layers` (ReLU between layers, none after the last). Inputs: `q [m, H, nq, dh]`,
    /// `k [m, H, nk, dh]`, `xq [m, nq, dx]`, `xk [m, nk, dx]`; output `[m, H, nq, nk]`.
    ///
    /// Fused: the pairs are processed in blocks of about `pairsPerBlock` (one task, a few queries, every key).
    /// The blocks' pair inputs and hidden activations are kept for the backward pass only when they fit in
    /// `PairwiseActivations.budget`; otherwise the backward pass recomputes them block by block, so that memory is
    /// O(output) instead of O(pairs × hidden width), which is what lets the pseudo-token TE-TNPs run at paper size.
    /// Blocks are spread over the workers, each with private accumulators for the shared gradients (weights, keys, key positions).
    /// `pairwiseLogitMLPReference` is the same function composed of ordinary ops, the oracle of the tests.
    public func pairwiseLogitMLP(queries q: Variable, keys k: Variable, dotScale: Float, queryPositions xq: Variable,
                                 keyPositions xk: Variable, layers: [PairwiseMLPLayer], keyMask: Tensor? = nil,
                                 pairsPerBlock: Int = 4096, activationBudget: Int = PairwiseActivations.budget) -> Variable {
        let plan = PairwiseLogitPlan(q: q, k: k, xq: xq, xk: xk, layers: layers, keyMask: keyMask, dotScale: dotScale,
                                     pairsPerBlock: pairsPerBlock)
        var inputs = [q, k, xq, xk]
        for l in layers { inputs.append(l.weight); if let bias = l.bias { inputs.append(bias) } }
        // A call whose activations fit in `activationBudget` bytes keeps them for its backward pass instead of
        // recomputing them there (the same values: the recomputation runs the same code on the same inputs).
        let kept = recording && inputs.contains { $0.requiresGrad } ? PairwiseActivations(plan, budget: activationBudget) : nil
        var out = uninitializedFloats(plan.m * plan.heads * plan.nq * plan.nk)
        let patterns = pairwiseReLUPatterns?.newCall(plan)
        out.withUnsafeMutableBufferPointer { po in
            let O = po.baseAddress!
            plan.forEachChunk { units, scratch in
                for unit in units {
                    let (b, i0, r) = plan.block(unit)
                    // Kept: the block's activations are computed in place in the store (no copy).
                    let activations = kept?.layers(unit: unit) ?? scratch.activations
                    plan.forward(b, i0, r, scratch, into: activations)
                    plan.scatterLogits(b, i0, r, from: activations[plan.layerCount], into: O)
                    patterns?.record(plan, b, i0, r, activations)
                }
            }
        }
        return result(Tensor(shape: [plan.m, plan.heads, plan.nq, plan.nk], scalars: out), inputs: inputs) { res in
            plan.backward(res.gradStorage, kept: kept)
        }
    }

    /// The same function as `pairwiseLogitMLP`, composed of ordinary differentiable ops (every pair's input
    /// and hidden activations materialised): the slow reference the fused op is tested against.
    public func pairwiseLogitMLPReference(queries q: Variable, keys k: Variable, dotScale: Float, queryPositions xq: Variable,
                                          keyPositions xk: Variable, layers: [PairwiseMLPLayer], keyMask: Tensor? = nil) -> Variable {
        let (m, nq, nk, dx) = (q.shape[0], q.shape[2], k.shape[2], xq.shape[2])
        let dots = permute(affine(matmul(q, k, transposeB: true), scale: dotScale), [0, 2, 3, 1])   // [m, nq, nk, H]
        let diff = sub(reshape(xq, [m, nq, 1, dx]), reshape(xk, [m, 1, nk, dx]))                     // [m, nq, nk, dx]
        var h = concat([diff, dots], axis: -1)
        for (i, l) in layers.enumerated() { h = dense(h, weight: l.weight, bias: l.bias, relu: i < layers.count - 1) }
        var logits = permute(h, [0, 3, 1, 2])
        if let keyMask {
            logits = add(logits, constant(Tensor(shape: [m, 1, 1, nk], scalars: keyMask.scalars.map { $0 == 0 ? -1e30 : 0 })))
        }
        return logits
    }
}

/// Sizes, blocking and the per-block kernels of one `pairwiseLogitMLP` call.
struct PairwiseLogitPlan: @unchecked Sendable {
    let q, k, xq, xk: Variable
    let layers: [PairwiseMLPLayer]
    let m, heads, nq, nk, dh, dx: Int
    let widths: [Int]           // [dx + H, hidden…, H]
    let dotScale: Float
    let maskOffset: [Float]?    // [m · nk]: 0 for real keys, −10³⁰ for padding
    let rowsPerBlock: Int
    let blocksPerTask: Int

    var layerCount: Int { layers.count }
    var inputWidth: Int { widths[0] }
    var units: Int { m * blocksPerTask }
    var flopsPerPair: Int { zip(widths, widths.dropFirst()).reduce(2 * heads * dh) { $0 + 2 * $1.0 * $1.1 } }

    init(q: Variable, k: Variable, xq: Variable, xk: Variable, layers: [PairwiseMLPLayer], keyMask: Tensor?, dotScale: Float,
         pairsPerBlock: Int) {
        require(q.shape.count == 4 && k.shape.count == 4 && q.shape[0] == k.shape[0] && q.shape[1] == k.shape[1] && q.shape[3] == k.shape[3],
                     "pairwise logit MLP: queries [m, H, nq, dh] and keys [m, H, nk, dh] expected, got \(q.shape) and \(k.shape)")
        (m, heads, nq, dh, nk) = (q.shape[0], q.shape[1], q.shape[2], q.shape[3], k.shape[2])
        require(xq.shape.count == 3 && xq.shape[0] == m && xq.shape[1] == nq, "query positions must be [m, nq, dx] = [\(m), \(nq), dx], got \(xq.shape)")
        dx = xq.shape[2]
        require(xk.shape == [m, nk, dx], "key positions must be [m, nk, dx] = [\(m), \(nk), \(dx)], got \(xk.shape)")
        require(!layers.isEmpty, "the pairwise MLP needs at least one layer")
        var w = [dx + heads]
        for (i, l) in layers.enumerated() {
            require(l.weight.shape.count == 2 && l.weight.shape[1] == w.last!, "layer \(i) weight \(l.weight.shape) does not take \(w.last!) inputs")
            require(l.bias == nil || l.bias!.shape == [l.weight.shape[0]], "layer \(i) bias must be [\(l.weight.shape[0])]")
            w.append(l.weight.shape[0])
        }
        require(w.last == heads, "the pairwise MLP must output one logit per head (\(heads)), outputs \(w.last!)")
        if let keyMask { require(keyMask.shape == [m, nk], "key mask must be [m, nk] = [\(m), \(nk)], got \(keyMask.shape)") }
        require(pairsPerBlock >= 1, "pairsPerBlock must be positive")
        self.q = q; self.k = k; self.xq = xq; self.xk = xk; self.layers = layers; self.dotScale = dotScale
        widths = w
        maskOffset = keyMask.map { $0.scalars.map { $0 == 0 ? -1e30 : 0 } }
        rowsPerBlock = max(1, min(nq, pairsPerBlock / max(nk, 1)))
        blocksPerTask = nq == 0 ? 0 : (nq + rowsPerBlock - 1) / rowsPerBlock
    }

    /// Task, first query and query count of block `unit`.
    func block(_ unit: Int) -> (b: Int, i0: Int, rows: Int) {
        let b = unit / blocksPerTask, i0 = (unit % blocksPerTask) * rowsPerBlock
        return (b, i0, min(rowsPerBlock, nq - i0))
    }

    /// Work buffers of one worker: the block's input and every layer's output, a dot-product tile and gradients.
    final class Scratch {
        let activations: [UnsafeMutablePointer<Float>]   // [0]: input [P, dx + H]; [l]: layer l's output [P, widths[l]]
        let tile: UnsafeMutablePointer<Float>            // [rows, nk]
        let gradA, gradB: UnsafeMutablePointer<Float>    // [P, max width]
        init(_ plan: PairwiseLogitPlan) {
            let pairs = plan.rowsPerBlock * plan.nk, widest = plan.widths.max()!
            activations = plan.widths.map { UnsafeMutablePointer<Float>.allocate(capacity: pairs * $0) }
            tile = .allocate(capacity: pairs)
            gradA = .allocate(capacity: pairs * widest); gradB = .allocate(capacity: pairs * widest)
        }
        deinit { activations.forEach { $0.deallocate() }; tile.deallocate(); gradA.deallocate(); gradB.deallocate() }
    }

    /// Splits the blocks over the workers (contiguous ranges), each with its own scratch; `body` gets the chunk index too.
    func forEachChunk(_ body: (Range<Int>, Scratch) -> Void) { forEachChunk { units, scratch, _ in body(units, scratch) } }

    func forEachChunk(_ body: (Range<Int>, Scratch, Int) -> Void) {
        let chunks = chunkCount
        parallelFor(chunks, work: chunks > 1 ? .max : 0) { c in
            let scratch = Scratch(self)
            body((units * c / chunks)..<(units * (c + 1) / chunks), scratch, c)
        }
    }

    /// Workers the blocks are split over: all of them once the call has a few MFLOP of work.
    var chunkCount: Int { m * nq * nk * flopsPerPair >= 2_000_000 ? max(1, min(workerCount, units)) : 1 }

    /// Fills the block's pair inputs and runs the MLP, keeping every layer's output in `activations` (by default the
    /// scratch's; `[0]`: the pair inputs, `[l]`: layer l's output).
    func forward(_ b: Int, _ i0: Int, _ r: Int, _ s: Scratch, into activations: [UnsafeMutablePointer<Float>]? = nil) {
        let pairs = r * nk, w0 = inputWidth
        let activations = activations ?? s.activations
        let input = activations[0]
        xq.value.scalars.withUnsafeBufferPointer { pxq in xk.value.scalars.withUnsafeBufferPointer { pxk in
            let (XQ, XK) = (pxq.baseAddress!, pxk.baseAddress!)
            for rr in 0..<r {
                let xi = XQ + (b * nq + i0 + rr) * dx
                for j in 0..<nk {
                    let xj = XK + (b * nk + j) * dx, row = input + (rr * nk + j) * w0
                    for c in 0..<dx { row[c] = xi[c] - xj[c] }
                }
            }
        }}
        q.value.scalars.withUnsafeBufferPointer { pq in k.value.scalars.withUnsafeBufferPointer { pk in
            for h in 0..<heads {
                gemm(transA: false, transB: true, m: r, n: nk, k: dh, alpha: dotScale, a: pq.baseAddress! + ((b * heads + h) * nq + i0) * dh, lda: dh,
                     b: pk.baseAddress! + (b * heads + h) * nk * dh, ldb: dh, beta: 0, c: s.tile, ldc: nk, parallel: false)
                for p in 0..<pairs { input[p * w0 + dx + h] = s.tile[p] }
            }
        }}
        for (l, layer) in layers.enumerated() {
            let (win, wout) = (widths[l], widths[l + 1])
            let x = activations[l], y = activations[l + 1]
            layer.weight.value.scalars.withUnsafeBufferPointer { pw in
                gemm(transA: false, transB: true, m: pairs, n: wout, k: win, a: x, lda: win, b: pw.baseAddress!, ldb: win,
                     beta: 0, c: y, ldc: wout, parallel: false)
            }
            let relu = l < layers.count - 1
            let bias = layer.bias?.value.scalars ?? [Float](repeating: 0, count: wout)
            bias.withUnsafeBufferPointer { pb in
                let B = pb.baseAddress!
                for p in 0..<pairs {
                    let row = y + p * wout
                    if relu { for o in 0..<wout { let v = row[o] + B[o]; row[o] = v > 0 ? v : 0 } }
                    else { for o in 0..<wout { row[o] += B[o] } }
                }
            }
        }
    }

    /// Writes the block's MLP output [P, H] into the logits [m, H, nq, nk], adding the key mask.
    func scatterLogits(_ b: Int, _ i0: Int, _ r: Int, from y: UnsafeMutablePointer<Float>, into O: UnsafeMutablePointer<Float>) {
        for h in 0..<heads {
            for rr in 0..<r {
                let dst = O + ((b * heads + h) * nq + i0 + rr) * nk, src = y + rr * nk * heads + h
                if let maskOffset {
                    for j in 0..<nk { dst[j] = src[j * heads] + maskOffset[b * nk + j] }
                } else {
                    for j in 0..<nk { dst[j] = src[j * heads] }
                }
            }
        }
    }
}

/// The ReLU pattern of every `pairwiseLogitMLP` call on a tape (`Tape.pairwiseReLUPatterns`), in call order: per
/// call and hidden layer, [m, nq, nk, width] with 1 where the unit's output is positive (its ReLU passes the
/// gradient) and 0 elsewhere. A diagnostic: the PyTorch twin's check evaluates its float64 gradient with these
/// patterns in place of its own ReLUs, which separates our arithmetic from which side of a ReLU kink a float32
/// forward pass lands on (Docs/peer-check.md).
public final class PairwiseReLUPatterns: @unchecked Sendable {
    /// Per call, per hidden layer: the pattern's buffer and shape.
    private var calls: [[(buffer: UnsafeMutablePointer<Float>, shape: [Int])]] = []

    public init() {}
    deinit { calls.joined().forEach { $0.buffer.deallocate() } }

    /// The patterns recorded so far, as tensors (call order, then layer order).
    public var tensors: [[Tensor]] {
        calls.map { $0.map { Tensor(shape: $0.shape, scalars: Array(UnsafeBufferPointer(start: $0.buffer, count: $0.shape.reduce(1, *)))) } }
    }

    /// Buffers for a new call's hidden layers; blocks then write their pairs' rows (disjoint) from any worker.
    func newCall(_ plan: PairwiseLogitPlan) -> Call {
        let layers = plan.widths.dropFirst().dropLast().map { width -> (buffer: UnsafeMutablePointer<Float>, shape: [Int]) in
            let shape = [plan.m, plan.nq, plan.nk, width]
            return (UnsafeMutablePointer<Float>.allocate(capacity: shape.reduce(1, *)), shape)
        }
        calls.append(layers)
        return Call(buffers: layers.map(\.buffer))
    }

    struct Call: @unchecked Sendable {
        let buffers: [UnsafeMutablePointer<Float>]
        /// Block (b, i0, r)'s hidden outputs (`activations[1...]`, rows rr · nk + j) as 0/1 at pair (b, i0 + rr, j).
        func record(_ plan: PairwiseLogitPlan, _ b: Int, _ i0: Int, _ r: Int, _ activations: [UnsafeMutablePointer<Float>]) {
            for (l, buffer) in buffers.enumerated() {
                let width = plan.widths[l + 1], y = activations[l + 1]
                let start = buffer + (b * plan.nq + i0) * plan.nk * width
                for e in 0..<(r * plan.nk * width) { start[e] = y[e] > 0 ? 1 : 0 }
            }
        }
    }
}

/// Every block's pair inputs and hidden activations of one `pairwiseLogitMLP` call, kept from the forward pass for the
/// backward pass when they take at most `budget` bytes (the pseudo-token TE-TNPs at the `quick` sizes: tens of MB
/// per call; at paper size they do not fit and the backward pass recomputes them block by block). Keeping them
/// took the smoke PT-TNP (T)'s training step from 855 to 764 ms at one thread (`npbench profile smoke-pt-tnp-t`).
public final class PairwiseActivations: @unchecked Sendable {
    /// Bytes one call may keep by default.
    public static let budget = 256 << 20
    private let storage: UnsafeMutablePointer<Float>
    private let widths: [Int]         // the plan's: input, then every layer's output
    private let layerOffsets: [Int]   // start of layer l's [all units' pair rows, widths[l]] region
    private let rowsPerUnit: Int      // pair rows reserved per unit (rowsPerBlock · nk)

    /// nil when the call's activations exceed `budget` bytes.
    init?(_ plan: PairwiseLogitPlan, budget: Int) {
        rowsPerUnit = plan.rowsPerBlock * plan.nk
        let rows = plan.units * rowsPerUnit
        var offsets: [Int] = [], total = 0
        for w in plan.widths { offsets.append(total); total += rows * w }
        guard total > 0, total * MemoryLayout<Float>.stride <= budget else { return nil }
        widths = plan.widths; layerOffsets = offsets
        storage = .allocate(capacity: total)
    }
    deinit { storage.deallocate() }

    /// Block `unit`'s activations, layer by layer (`[l]`: [pairs, widths[l]]; `[0]`: the pair inputs).
    func layers(unit: Int) -> [UnsafeMutablePointer<Float>] {
        widths.indices.map { storage + layerOffsets[$0] + unit * rowsPerUnit * widths[$0] }
    }
}

extension PairwiseLogitPlan {
    /// Accumulates the gradients of every input that needs one, from the logits' gradient `G` [m, H, nq, nk]; the
    /// blocks' activations from `kept` when the forward pass kept them, else recomputed.
    func backward(_ G: [Float], kept: PairwiseActivations? = nil) {
        let weightSizes = layers.map { $0.weight.value.count }, biasSizes = widths.dropFirst().map { $0 }
        // Private accumulators per chunk: weights, biases, keys, key positions. Query-side gradients are owned by
        // the block (a block is one task's queries i0..<i0+r), so they go straight into shared buffers.
        let chunks = chunkCount
        let privateSize = weightSizes.reduce(0, +) + biasSizes.reduce(0, +) + m * heads * nk * dh + m * nk * dx
        let privates = UnsafeMutableBufferPointer<Float>.allocate(capacity: chunks * privateSize)
        privates.initialize(repeating: 0)
        defer { privates.deallocate() }
        var gq = [Float](repeating: 0, count: q.requiresGrad ? q.value.count : 0)
        var gxq = [Float](repeating: 0, count: xq.requiresGrad ? xq.value.count : 0)
        let needInputGrad = q.requiresGrad || k.requiresGrad || xq.requiresGrad || xk.requiresGrad
        G.withUnsafeBufferPointer { pg in gq.withUnsafeMutableBufferPointer { pgq in gxq.withUnsafeMutableBufferPointer { pgxq in
        q.value.scalars.withUnsafeBufferPointer { pq in k.value.scalars.withUnsafeBufferPointer { pk in
            let (GL, Q, K) = (pg.baseAddress!, pq.baseAddress!, pk.baseAddress!)
            // An empty array may still have a base address: only hand out pointers for gradients that exist.
            let (GQ, GXQ) = (q.requiresGrad ? pgq.baseAddress : nil, xq.requiresGrad ? pgxq.baseAddress : nil)
            forEachChunk { units, s, c in
                var base = privates.baseAddress! + c * privateSize
                var dW: [UnsafeMutablePointer<Float>] = [], dB: [UnsafeMutablePointer<Float>] = []
                for n in weightSizes { dW.append(base); base += n }
                for n in biasSizes { dB.append(base); base += n }
                let dK = base, dXK = base + m * heads * nk * dh
                for unit in units {
                    let (b, i0, r) = block(unit)
                    let pairs = r * nk
                    let activations: [UnsafeMutablePointer<Float>]
                    if let kept {
                        activations = kept.layers(unit: unit)
                    } else {
                        forward(b, i0, r, s)
                        activations = s.activations
                    }
                    // Gradient of the MLP's output [P, H], gathered from the logits' layout.
                    var g = s.gradA, other = s.gradB
                    for h in 0..<heads { for rr in 0..<r {
                        let src = GL + ((b * heads + h) * nq + i0 + rr) * nk, dst = g + rr * nk * heads + h
                        for j in 0..<nk { dst[j * heads] = src[j] }
                    } }
                    for l in stride(from: layers.count - 1, through: 0, by: -1) {
                        let (win, wout) = (widths[l], widths[l + 1])
                        let x = activations[l]
                        if layers[l].weight.requiresGrad {
                            gemm(transA: true, transB: false, m: wout, n: win, k: pairs, a: g, lda: wout, b: x, ldb: win,
                                 beta: 1, c: dW[l], ldc: win, parallel: false)
                        }
                        if layers[l].bias?.requiresGrad == true {
                            let db = dB[l]
                            for p in 0..<pairs { let row = g + p * wout; for o in 0..<wout { db[o] += row[o] } }
                        }
                        if l == 0 && !needInputGrad { break }
                        layers[l].weight.value.scalars.withUnsafeBufferPointer { pw in
                            gemm(transA: false, transB: false, m: pairs, n: win, k: wout, a: g, lda: wout, b: pw.baseAddress!, ldb: win,
                                 beta: 0, c: other, ldc: win, parallel: false)
                        }
                        if l > 0 { maskReLUGradient(other, output: x, count: pairs * win) }   // through the ReLU below
                        swap(&g, &other)
                    }
                    guard needInputGrad else { continue }
                    // g is now the gradient of the pair inputs [P, dx + H].
                    let w0 = inputWidth
                    for rr in 0..<r { for j in 0..<nk {
                        let row = g + (rr * nk + j) * w0
                        for cc in 0..<dx {
                            if let GXQ { GXQ[(b * nq + i0 + rr) * dx + cc] += row[cc] }
                            dXK[(b * nk + j) * dx + cc] -= row[cc]
                        }
                    } }
                    for h in 0..<heads {
                        for p in 0..<pairs { s.tile[p] = g[p * w0 + dx + h] }
                        let kh = K + (b * heads + h) * nk * dh, qh = Q + ((b * heads + h) * nq + i0) * dh
                        if let GQ {
                            gemm(transA: false, transB: false, m: r, n: dh, k: nk, alpha: dotScale, a: s.tile, lda: nk, b: kh, ldb: dh,
                                 beta: 1, c: GQ + ((b * heads + h) * nq + i0) * dh, ldc: dh, parallel: false)
                        }
                        if k.requiresGrad {
                            gemm(transA: true, transB: false, m: nk, n: dh, k: r, alpha: dotScale, a: s.tile, lda: nk, b: qh, ldb: dh,
                                 beta: 1, c: dK + (b * heads + h) * nk * dh, ldc: dh, parallel: false)
                        }
                    }
                }
            }
        }}
        }}}
        // Sum the private accumulators into the parameters' and inputs' gradients.
        func reduced(_ offset: Int, _ count: Int) -> [Float] {
            var out = [Float](repeating: 0, count: count)
            for c in 0..<chunks { let src = privates.baseAddress! + c * privateSize + offset; for i in 0..<count { out[i] += src[i] } }
            return out
        }
        var offset = 0
        for (l, n) in weightSizes.enumerated() {
            if layers[l].weight.requiresGrad { layers[l].weight.accumulateGrad(reduced(offset, n)) }
            offset += n
        }
        for (l, n) in biasSizes.enumerated() {
            if let bias = layers[l].bias, bias.requiresGrad { bias.accumulateGrad(reduced(offset, n)) }
            offset += n
        }
        if k.requiresGrad { k.accumulateGrad(reduced(offset, m * heads * nk * dh)) }
        offset += m * heads * nk * dh
        if xk.requiresGrad { xk.accumulateGrad(reduced(offset, m * nk * dx)) }
        if q.requiresGrad { q.accumulateGrad(gq) }
        if xq.requiresGrad { xq.accumulateGrad(gxq) }
    }
}

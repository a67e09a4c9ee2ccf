import NPTensor

/// NumPy broadcasting: shapes are aligned on the right; a dimension of 1 stretches to match.
public func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int] {
    let r = max(a.count, b.count)
    var out = [Int](repeating: 1, count: r)
    for i in 0..<r {
        let da = i < r - a.count ? 1 : a[i - (r - a.count)]
        let db = i < r - b.count ? 1 : b[i - (r - b.count)]
        require(da == db || da == 1 || db == 1, "shapes \(a) and \(b) do not broadcast")
        out[i] = max(da, db)
    }
    return out
}

/// Strides of `shape` read as the broadcast `outShape`: 0 along stretched dimensions.
func broadcastStrides(_ shape: [Int], to outShape: [Int]) -> [Int] {
    let r = outShape.count
    let own = stridesOf(shape)
    var s = [Int](repeating: 0, count: r)
    for i in 0..<shape.count where shape[i] != 1 { s[i + r - shape.count] = own[i] }
    return s
}

/// Walks a broadcast result one innermost row at a time, passing the starting offsets of the output and
/// of both operands and the operands' innermost strides (0 or 1).
/// `rows`: only these rows (all by default), so that disjoint row ranges can run on different workers.
@inline(__always)
func forEachBroadcastRow(_ outShape: [Int], _ sa: [Int], _ sb: [Int], rows selected: Range<Int>? = nil,
                         _ body: (_ o: Int, _ a: Int, _ b: Int, _ n: Int, _ ia: Int, _ ib: Int) -> Void) {
    let r = outShape.count
    if r == 0 { body(0, 0, 0, 1, 0, 0); return }
    let n = outShape[r - 1]
    let rows = outShape.dropLast().reduce(1, *)
    if rows == 0 || n == 0 { return }
    let range = selected ?? 0..<rows
    if range.isEmpty { return }
    // The odometer at the range's first row.
    var idx = [Int](repeating: 0, count: r - 1)
    var (oa, ob) = (0, 0)
    var rest = range.lowerBound
    for d in stride(from: r - 2, through: 0, by: -1) {
        idx[d] = rest % outShape[d]; rest /= outShape[d]
        oa += idx[d] * sa[d]; ob += idx[d] * sb[d]
    }
    for row in range {
        body(row * n, oa, ob, n, sa[r - 1], sb[r - 1])
        // odometer increment over the leading dims
        var d = r - 2
        while d >= 0 {
            idx[d] += 1; oa += sa[d]; ob += sb[d]
            if idx[d] < outShape[d] { break }
            oa -= sa[d] * outShape[d]; ob -= sb[d] * outShape[d]; idx[d] = 0
            d -= 1
        }
    }
}

extension Tape {
    enum BinaryKind { case add, sub, mul, div }

    func binary(_ a: Variable, _ b: Variable, _ kind: BinaryKind) -> Variable {
        let outShape = broadcastShape(a.shape, b.shape)
        let sa = broadcastStrides(a.shape, to: outShape), sb = broadcastStrides(b.shape, to: outShape)
        let count = outShape.reduce(1, *)
        let rows = outShape.isEmpty ? 1 : count / max(outShape.last!, 1)
        // Rows of the output are independent: split over the workers. In the backward pass an operand's gradient rows
        // are split only when it is not broadcast (each of its elements then receives exactly one term); a broadcast
        // operand's sums keep their order on one worker.
        func splitRows(_ split: Bool, _ body: (Range<Int>) -> Void) {
            if split { parallelChunks(rows, work: 4 * count, body) } else { body(0..<rows) }
        }
        var out = [Float](unsafeUninitializedCapacity: count) { _, c in c = count }   // every element is written below
        a.value.scalars.withUnsafeBufferPointer { pa in b.value.scalars.withUnsafeBufferPointer { pb in
            out.withUnsafeMutableBufferPointer { po in
                let (A, B, O) = (pa.baseAddress!, pb.baseAddress!, po.baseAddress!)
                splitRows(true) { range in
                    forEachBroadcastRow(outShape, sa, sb, rows: range) { o, ia, ib, n, da, db in
                        switch kind {
                        case .add: for j in 0..<n { O[o + j] = A[ia + j * da] + B[ib + j * db] }
                        case .sub: for j in 0..<n { O[o + j] = A[ia + j * da] - B[ib + j * db] }
                        case .mul: for j in 0..<n { O[o + j] = A[ia + j * da] * B[ib + j * db] }
                        case .div: for j in 0..<n { O[o + j] = A[ia + j * da] / B[ib + j * db] }
                        }
                    }
                }
            }
        }}
        let (aWhole, bWhole) = (a.shape == outShape, b.shape == outShape)
        return result(Tensor(shape: outShape, scalars: out), inputs: [a, b]) { res in
            res.gradStorage.withUnsafeBufferPointer { pg in a.value.scalars.withUnsafeBufferPointer { pa in
                b.value.scalars.withUnsafeBufferPointer { pb in
                    let (G, A, B) = (pg.baseAddress!, pa.baseAddress!, pb.baseAddress!)
                    // An operand of the output's shape gets exactly one term per element: a new gradient is then
                    // written (0 + term, 0 − term: what accumulating into zeros gives) instead of zero-filled first.
                    if a.requiresGrad {
                        let body = { (GA: UnsafeMutablePointer<Float>, new: Bool) in
                            splitRows(aWhole) { range in
                                forEachBroadcastRow(outShape, sa, sb, rows: range) { o, ia, ib, n, da, db in
                                    switch (kind, new) {
                                    case (.add, false), (.sub, false): for j in 0..<n { GA[ia + j * da] += G[o + j] }
                                    case (.add, true), (.sub, true): for j in 0..<n { GA[ia + j * da] = 0 + G[o + j] }
                                    case (.mul, false): for j in 0..<n { GA[ia + j * da] += G[o + j] * B[ib + j * db] }
                                    case (.mul, true): for j in 0..<n { GA[ia + j * da] = 0 + G[o + j] * B[ib + j * db] }
                                    case (.div, false): for j in 0..<n { GA[ia + j * da] += G[o + j] / B[ib + j * db] }
                                    case (.div, true): for j in 0..<n { GA[ia + j * da] = 0 + G[o + j] / B[ib + j * db] }
                                    }
                                }
                            }
                        }
                        if aWhole { a.withGradToOverwriteOrAdd(body) } else { a.withGrad { body($0, false) } }
                    }
                    if b.requiresGrad {
                        let body = { (GB: UnsafeMutablePointer<Float>, new: Bool) in
                            splitRows(bWhole) { range in
                                forEachBroadcastRow(outShape, sa, sb, rows: range) { o, ia, ib, n, da, db in
                                    switch (kind, new) {
                                    case (.add, false): for j in 0..<n { GB[ib + j * db] += G[o + j] }
                                    case (.add, true): for j in 0..<n { GB[ib + j * db] = 0 + G[o + j] }
                                    case (.sub, false): for j in 0..<n { GB[ib + j * db] -= G[o + j] }
                                    case (.sub, true): for j in 0..<n { GB[ib + j * db] = 0 - G[o + j] }
                                    case (.mul, false): for j in 0..<n { GB[ib + j * db] += G[o + j] * A[ia + j * da] }
                                    case (.mul, true): for j in 0..<n { GB[ib + j * db] = 0 + G[o + j] * A[ia + j * da] }
                                    case (.div, _):
                                        for j in 0..<n {
                                            let bv = B[ib + j * db]
                                            GB[ib + j * db] = (new ? 0 : GB[ib + j * db]) - G[o + j] * A[ia + j * da] / (bv * bv)
                                        }
                                    }
                                }
                            }
                        }
                        if bWhole { b.withGradToOverwriteOrAdd(body) } else { b.withGrad { body($0, false) } }
                    }
                }
            }}
        }
    }

    /// a + b with broadcasting.
    public func add(_ a: Variable, _ b: Variable) -> Variable { binary(a, b, .add) }
    /// a − b with broadcasting.
    public func sub(_ a: Variable, _ b: Variable) -> Variable { binary(a, b, .sub) }
    /// a ⊙ b with broadcasting.
    public func mul(_ a: Variable, _ b: Variable) -> Variable { binary(a, b, .mul) }
    /// a ⊘ b with broadcasting.
    public func div(_ a: Variable, _ b: Variable) -> Variable { binary(a, b, .div) }
}

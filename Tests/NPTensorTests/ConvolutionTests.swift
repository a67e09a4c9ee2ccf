import NPTensor
import NPTestSupport
import Testing

/// The shifted-GEMM convolution against the direct nested loop.
@Suite struct ConvolutionTests {
    struct Case: Sendable, CustomStringConvertible {
        let spatial: [Int], kernel: [Int], cin: Int, cout: Int, groups: Int, batch: Int
        var description: String { "spatial \(spatial) kernel \(kernel) \(cin)→\(cout) groups \(groups) batch \(batch)" }
    }
    static let cases: [Case] = [
        Case(spatial: [1], kernel: [1], cin: 1, cout: 1, groups: 1, batch: 1),
        Case(spatial: [17], kernel: [5], cin: 3, cout: 4, groups: 1, batch: 2),
        Case(spatial: [9], kernel: [21], cin: 2, cout: 3, groups: 1, batch: 3),    // kernel wider than the grid
        Case(spatial: [12], kernel: [4], cin: 4, cout: 6, groups: 2, batch: 2),    // even kernel, groups
        Case(spatial: [64], kernel: [21], cin: 8, cout: 8, groups: 8, batch: 4),   // depthwise
        Case(spatial: [6, 7], kernel: [3, 3], cin: 2, cout: 5, groups: 1, batch: 2),
        Case(spatial: [5, 4], kernel: [4, 2], cin: 4, cout: 4, groups: 2, batch: 1),
        Case(spatial: [8, 8], kernel: [9, 9], cin: 3, cout: 2, groups: 1, batch: 2),
        Case(spatial: [512], kernel: [21], cin: 16, cout: 16, groups: 1, batch: 4), // parallel path
    ]

    @Test(arguments: cases)
    func forwardMatchesDirectLoops(_ c: Case) {
        let g = ConvGeometry(batch: c.batch, spatial: c.spatial, kernel: c.kernel, cin: c.cin, cout: c.cout, groups: c.groups)
        let x = randomTensor(g.inputShape, seed: 11).scalars
        let w = randomTensor(g.weightShape, seed: 12).scalars
        let (out, _) = convForward(x, w, g)
        let expected = convReference(x, w, g)
        #expect(maxAbsDifference(out, expected) <= 1e-4)
    }

    /// The backward pass equals the adjoint of the forward map: ⟨conv(x), d⟩ = ⟨x, convᵀ(d)⟩, and the
    /// weight gradient likewise (checked exactly against the reference forward by linearity in w).
    @Test(arguments: cases)
    func backwardIsTheAdjoint(_ c: Case) {
        let g = ConvGeometry(batch: c.batch, spatial: c.spatial, kernel: c.kernel, cin: c.cin, cout: c.cout, groups: c.groups)
        let x = randomTensor(g.inputShape, seed: 21).scalars
        let w = randomTensor(g.weightShape, seed: 22).scalars
        let d = randomTensor(g.outputShape, seed: 23).scalars
        let (_, padded) = convForward(x, w, g)
        var dx = [Float](repeating: 0, count: x.count), dw = [Float](repeating: 0, count: w.count)
        dx.withUnsafeMutableBufferPointer { px in dw.withUnsafeMutableBufferPointer { pw in
            convBackward(d, paddedInput: padded, w, g, dx: px.baseAddress, dw: pw.baseAddress)
        }}
        func dot(_ a: [Float], _ b: [Float]) -> Double { zip(a, b).reduce(0) { $0 + Double($1.0) * Double($1.1) } }
        let lhs = dot(convReference(x, w, g), d)
        #expect(abs(lhs - dot(x, dx)) <= 1e-3 * max(1, abs(lhs)))
        #expect(abs(lhs - dot(w, dw)) <= 1e-3 * max(1, abs(lhs)))
        // Element-level check of the input gradient: perturbing one input element changes ⟨conv(x), d⟩ by dx[i].
        for i in [0, x.count / 2, x.count - 1] {
            var xp = x; xp[i] += 1
            let delta = dot(convReference(xp, w, g), d) - lhs
            #expect(abs(delta - Double(dx[i])) <= 1e-3 * max(1, abs(delta)))
        }
    }
}

import NPTensor
import NPTestSupport
import Testing

/// The im2col + GEMM convolution against the direct nested loop (forward) and against the adjoint identity
/// and the shifted-GEMM gradients (backward), on the same cases as the shifted GEMM.
@Suite struct Im2ColConvolutionTests {
    static let cases = ConvolutionTests.cases + [
        ConvolutionTests.Case(spatial: [16, 16], kernel: [5, 5], cin: 16, cout: 8, groups: 1, batch: 4),   // parallel path
    ]

    @Test(arguments: cases)
    func forwardMatchesDirectLoops(_ c: ConvolutionTests.Case) {
        let g = ConvGeometry(batch: c.batch, spatial: c.spatial, kernel: c.kernel, cin: c.cin, cout: c.cout, groups: c.groups)
        let x = randomTensor(g.inputShape, seed: 11).scalars, w = randomTensor(g.weightShape, seed: 12).scalars
        #expect(maxAbsDifference(convForwardIm2Col(x, w, g), convReference(x, w, g)) <= 1e-4)
    }

    @Test(arguments: cases)
    func backwardIsTheAdjointAndMatchesShiftedGEMM(_ c: ConvolutionTests.Case) {
        let g = ConvGeometry(batch: c.batch, spatial: c.spatial, kernel: c.kernel, cin: c.cin, cout: c.cout, groups: c.groups)
        let x = randomTensor(g.inputShape, seed: 21).scalars, w = randomTensor(g.weightShape, seed: 22).scalars
        let d = randomTensor(g.outputShape, seed: 23).scalars
        var dx = [Float](repeating: 0.5, count: x.count), dw = [Float](repeating: 0.5, count: w.count)   // gradients add
        dx.withUnsafeMutableBufferPointer { px in dw.withUnsafeMutableBufferPointer { pw in
            convBackwardIm2Col(d, input: x, w, g, dx: px.baseAddress, dw: pw.baseAddress)
        }}
        dx = dx.map { $0 - 0.5 }; dw = dw.map { $0 - 0.5 }
        func dot(_ a: [Float], _ b: [Float]) -> Double { zip(a, b).reduce(0) { $0 + Double($1.0) * Double($1.1) } }
        let lhs = dot(convReference(x, w, g), d)
        #expect(abs(lhs - dot(x, dx)) <= 1e-3 * max(1, abs(lhs)))
        #expect(abs(lhs - dot(w, dw)) <= 1e-3 * max(1, abs(lhs)))
        var sx = [Float](repeating: 0, count: x.count), sw = [Float](repeating: 0, count: w.count)
        sx.withUnsafeMutableBufferPointer { px in sw.withUnsafeMutableBufferPointer { pw in
            convBackward(d, paddedInput: convForward(x, w, g).paddedInput, w, g, dx: px.baseAddress, dw: pw.baseAddress)
        }}
        #expect(maxAbsDifference(dx, sx) <= 1e-3 && maxAbsDifference(dw, sw) <= 1e-3)
    }
}

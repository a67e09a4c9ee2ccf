import NPTensor
import NPTestSupport
import Testing

/// The frequency-domain convolution (2-D, groups = 1) against the direct nested loop (forward) and against the
/// adjoint identity and the im2col gradients (backward).
///
/// Tolerance: the transforms run in float32 (cos / sin matrices rounded to float, sums of up to 2·N terms), so
/// the errors are compared with the output's scale, max |reference|: forward max error ≤ 1e-5 × that scale
/// (measured: at most 5e-7 × in these tests, printed by `errorsAreSmallRelativeToScale`, and at most 1.6e-6 × at
/// the shapes of `npbench conv2d-fft`, up to 128 channels and k = 9), gradients ≤ 1e-5 × their scale likewise.
/// The adjoint identities use 1e-4 relative (sums of many float32 products on both sides).
@Suite struct FFTConvolutionTests {
    static let cases: [ConvolutionTests.Case] = [
        .init(spatial: [1, 1], kernel: [1, 1], cin: 1, cout: 1, groups: 1, batch: 1),
        .init(spatial: [6, 7], kernel: [3, 3], cin: 2, cout: 5, groups: 1, batch: 3),
        .init(spatial: [5, 9], kernel: [4, 4], cin: 3, cout: 2, groups: 1, batch: 1),   // even kernel, non-square grid
        .init(spatial: [8, 5], kernel: [5, 3], cin: 4, cout: 6, groups: 1, batch: 3),   // non-square kernel
        .init(spatial: [7, 6], kernel: [4, 5], cin: 3, cout: 3, groups: 1, batch: 1),   // odd Nh, even Nw
        .init(spatial: [2, 2], kernel: [5, 5], cin: 8, cout: 4, groups: 1, batch: 3),   // kernel wider than the grid
        .init(spatial: [8, 8], kernel: [9, 9], cin: 3, cout: 2, groups: 1, batch: 2),
        .init(spatial: [16, 16], kernel: [5, 5], cin: 16, cout: 8, groups: 1, batch: 3),
        // First axes of 64 points or more, whose data transforms run in two factored stages (`factoredSplit`):
        .init(spatial: [200, 1], kernel: [21, 1], cin: 3, cout: 2, groups: 1, batch: 2),   // a 1-D grid as one column: 220 = 11·20, 210 = 14·15
        .init(spatial: [64, 4], kernel: [3, 3], cin: 2, cout: 3, groups: 1, batch: 2),     // 66 = 6·11, 65 = 5·13
        .init(spatial: [60, 2], kernel: [5, 1], cin: 2, cout: 2, groups: 1, batch: 1),     // 64 = 8·8 factored, 62 dense
    ]

    /// Which lengths are factored, and into what: both factors at least 4, the pair with the smallest sum; the
    /// lengths `Tape.conv` uses are at least the minimal ones and at most an eighth longer.
    @Test func factoredLengthsAndTheirSplits() {
        #expect(factoredSplit(63) == nil && factoredSplit(74) == nil && factoredSplit(67) == nil, "short, or 2 · 37, or prime")
        #expect(factoredSplit(64).map { [$0.n1, $0.n2] } == [8, 8] && factoredSplit(210).map { $0.n1 * $0.n2 } == 210)
        #expect(factoredSplit(210).map { $0.n1 + $0.n2 } == 29, "14 · 15")
        for least in [10, 36, 63, 64, 74, 101, 210, 460] {
            let n = fastTransformLength(atLeast: least)
            #expect(n >= least && n <= least + least / 8 && (least < 64 ? n == least : factoredSplit(n) != nil), "\(least) → \(n)")
        }
    }

    static func scale(_ a: [Float]) -> Float { a.reduce(0) { max($0, abs($1)) } }

    /// Both transform sizes: h + k − 1 (the default) and the smallest without aliasing on the kept points.
    @Test(arguments: cases, [false, true])
    func forwardMatchesDirectLoops(_ c: ConvolutionTests.Case, minimal: Bool) {
        let g = ConvGeometry(batch: c.batch, spatial: c.spatial, kernel: c.kernel, cin: c.cin, cout: c.cout, groups: c.groups)
        let x = randomTensor(g.inputShape, seed: 11).scalars, w = randomTensor(g.weightShape, seed: 12).scalars
        let expected = convReference(x, w, g)
        let error = maxAbsDifference(convForwardFFT(x, w, g, sizes: minimal ? g.minimalFFTSizes : nil), expected)
        print("FFT conv \(c)\(minimal ? " minimal sizes" : ""): forward max error \(error), output scale \(Self.scale(expected))")
        #expect(error <= 1e-5 * max(1, Self.scale(expected)))
    }

    @Test(arguments: cases, [false, true])
    func backwardIsTheAdjointAndMatchesIm2Col(_ c: ConvolutionTests.Case, minimal: Bool) {
        let g = ConvGeometry(batch: c.batch, spatial: c.spatial, kernel: c.kernel, cin: c.cin, cout: c.cout, groups: c.groups)
        let x = randomTensor(g.inputShape, seed: 21).scalars, w = randomTensor(g.weightShape, seed: 22).scalars
        let d = randomTensor(g.outputShape, seed: 23).scalars
        var dx = [Float](repeating: 0.5, count: x.count), dw = [Float](repeating: 0.5, count: w.count)   // gradients add
        dx.withUnsafeMutableBufferPointer { px in dw.withUnsafeMutableBufferPointer { pw in
            convBackwardFFT(d, input: x, w, g, dx: px.baseAddress, dw: pw.baseAddress, sizes: minimal ? g.minimalFFTSizes : nil)
        }}
        dx = dx.map { $0 - 0.5 }; dw = dw.map { $0 - 0.5 }
        func dot(_ a: [Float], _ b: [Float]) -> Double { zip(a, b).reduce(0) { $0 + Double($1.0) * Double($1.1) } }
        let lhs = dot(convReference(x, w, g), d)
        #expect(abs(lhs - dot(x, dx)) <= 1e-4 * max(1, abs(lhs)))
        #expect(abs(lhs - dot(w, dw)) <= 1e-4 * max(1, abs(lhs)))
        let (sx, sw) = convolutionGradients(inputCount: x.count, weightCount: w.count) { convBackwardIm2Col(d, input: x, w, g, dx: $0, dw: $1) }
        #expect(maxAbsDifference(dx, sx) <= 1e-5 * max(1, Self.scale(sx)))
        #expect(maxAbsDifference(dw, sw) <= 1e-5 * max(1, Self.scale(sw)))
    }

    @Test func skippedGradientsAreNotTouchedAndEachAloneMatches() {
        let g = ConvGeometry(batch: 2, spatial: [6, 5], kernel: [3, 4], cin: 3, cout: 4)
        let x = randomTensor(g.inputShape, seed: 31).scalars, w = randomTensor(g.weightShape, seed: 32).scalars
        let d = randomTensor(g.outputShape, seed: 33).scalars
        var both = ([Float](repeating: 0, count: x.count), [Float](repeating: 0, count: w.count))
        both.0.withUnsafeMutableBufferPointer { px in both.1.withUnsafeMutableBufferPointer { pw in
            convBackwardFFT(d, input: x, w, g, dx: px.baseAddress, dw: pw.baseAddress)
        }}
        var onlyX = [Float](repeating: 0, count: x.count), onlyW = [Float](repeating: 0, count: w.count)
        onlyX.withUnsafeMutableBufferPointer { convBackwardFFT(d, input: x, w, g, dx: $0.baseAddress, dw: nil) }
        onlyW.withUnsafeMutableBufferPointer { convBackwardFFT(d, input: x, w, g, dx: nil, dw: $0.baseAddress) }
        #expect(onlyX == both.0 && onlyW == both.1)
    }

    /// The measured accuracy at the smoke U-Net's top and bottom shapes (kernel 5, batch 16) and one k = 9 shape,
    /// relative to the output's scale: float32 transforms stay within 1e-5 of the scale.
    @Test(arguments: [
        ConvGeometry(batch: 16, spatial: [32, 32], kernel: [5, 5], cin: 16, cout: 16),
        ConvGeometry(batch: 16, spatial: [4, 4], kernel: [5, 5], cin: 64, cout: 64),
        ConvGeometry(batch: 4, spatial: [16, 16], kernel: [9, 9], cin: 32, cout: 16),
    ])
    func errorsAreSmallRelativeToScale(_ g: ConvGeometry) {
        let x = randomTensor(g.inputShape, seed: 41).scalars, w = randomTensor(g.weightShape, seed: 42).scalars
        let d = randomTensor(g.outputShape, seed: 43).scalars
        let expected = convForwardIm2Col(x, w, g)
        let forward = maxAbsDifference(convForwardFFT(x, w, g), expected) / Self.scale(expected)
        let (dx, dw) = convolutionGradients(inputCount: x.count, weightCount: w.count) { convBackwardFFT(d, input: x, w, g, dx: $0, dw: $1) }
        let (sx, sw) = convolutionGradients(inputCount: x.count, weightCount: w.count) { convBackwardIm2Col(d, input: x, w, g, dx: $0, dw: $1) }
        let gx = maxAbsDifference(dx, sx) / Self.scale(sx), gw = maxAbsDifference(dw, sw) / Self.scale(sw)
        print("FFT conv \(g.spatial) k \(g.kernel) \(g.cin)→\(g.cout) batch \(g.batch): max error / scale forward \(forward), dx \(gx), dw \(gw)")
        #expect(forward <= 1e-5 && gx <= 1e-5 && gw <= 1e-5)
    }

    /// The backward pass from the spectra kept by the forward pass equals the one that recomputes them, and the
    /// forward output is the same either way.
    @Test(arguments: [false, true])
    func keptSpectraGiveTheSameResults(minimal: Bool) {
        let g = ConvGeometry(batch: 3, spatial: [7, 6], kernel: [4, 5], cin: 5, cout: 3)
        let sizes = minimal ? g.minimalFFTSizes : g.fftSizes
        let x = randomTensor(g.inputShape, seed: 51).scalars, w = randomTensor(g.weightShape, seed: 52).scalars
        let d = randomTensor(g.outputShape, seed: 53).scalars
        let (out, spectra) = convForwardFFTKeepingSpectra(x, w, g, sizes: sizes)
        #expect(out == convForwardFFT(x, w, g, sizes: sizes))
        var dx = [Float](repeating: 0.25, count: x.count), dw = [Float](repeating: 0.25, count: w.count)
        var kx = dx, kw = dw
        dx.withUnsafeMutableBufferPointer { px in dw.withUnsafeMutableBufferPointer { pw in
            convBackwardFFT(d, input: x, w, g, dx: px.baseAddress, dw: pw.baseAddress, sizes: sizes)
        }}
        kx.withUnsafeMutableBufferPointer { px in kw.withUnsafeMutableBufferPointer { pw in
            convBackwardFFT(d, spectra: spectra, dx: px.baseAddress, dw: pw.baseAddress)
        }}
        #expect(dx == kx && dw == kw)
    }

    @Test func minimalSizesAreSmallerThanTheDefault() {
        let g = ConvGeometry(batch: 1, spatial: [5, 9], kernel: [4, 5], cin: 1, cout: 1)
        #expect(g.fftSizes == (8, 13) && g.minimalFFTSizes == (7, 11))
    }

    @Test func rejectsGroupsOneDimensionalGridsAndAliasingSizes() async {
        await #expect(processExitsWith: .failure) {
            _ = convForwardFFT([Float](repeating: 0, count: 16), [Float](repeating: 0, count: 9 * 2 * 4),
                               ConvGeometry(batch: 1, spatial: [2, 2], kernel: [3, 3], cin: 4, cout: 4, groups: 2))
        }
        await #expect(processExitsWith: .failure) {
            _ = convForwardFFT([Float](repeating: 0, count: 8), [Float](repeating: 0, count: 3 * 2 * 2),
                               ConvGeometry(batch: 1, spatial: [4], kernel: [3], cin: 2, cout: 2))
        }
        await #expect(processExitsWith: .failure) {
            let g = ConvGeometry(batch: 1, spatial: [4, 4], kernel: [3, 3], cin: 1, cout: 1)
            _ = convForwardFFT([Float](repeating: 0, count: 16), [Float](repeating: 0, count: 9), g, sizes: (5, 4))
        }
    }
}

import NPAutodiff
import NPTensor
import NPTestSupport
import Testing

/// `Tape.conv` under `ConvolutionAlgorithms.fft`: which shapes take the frequency-domain path, its values and
/// gradients against the direct path, and its gradient against finite differences.
@Suite struct FFTConvOpTests {
    typealias ConvResult = (y: [Float], dx: [Float], dw: [Float])

    /// The convolution's output and the gradients of Σ upstream ⊙ output with respect to input and kernel.
    func convolve(_ x: Tensor, _ w: Tensor, upstream: Tensor, algorithms: ConvolutionAlgorithms) -> ConvResult {
        let t = Tape()
        let (vx, vw) = (Variable(x, requiresGrad: true), Variable(w, requiresGrad: true))
        let y = t.conv(vx, vw, algorithms: algorithms)
        t.backward(from: t.sumAll(t.mul(y, t.constant(upstream))))
        return (y.scalars, vx.grad.scalars, vw.grad.scalars)
    }

    func largest(_ v: [Float]) -> Float { v.map(abs).max() ?? 1 }
    @Test func theRuleTakesLargeKernelsOnGridsOfFourOrMore() {
        func g(_ s: [Int], _ k: [Int], groups: Int = 1) -> ConvGeometry { ConvGeometry(batch: 2, spatial: s, kernel: k, cin: 4, cout: 4, groups: groups) }
        #expect(g([32, 32], [5, 5]).prefersFFT(under: .fft) && g([4, 4], [9, 9]).prefersFFT(under: .fft) && g([8, 6], [5, 7]).prefersFFT(under: .fft))
        #expect(!g([32, 32], [5, 5]).prefersFFT(under: .direct), "never under the default")
        #expect(!g([2, 2], [5, 5]).prefersFFT(under: .fft) && !g([32, 32], [3, 3]).prefersFFT(under: .fft))
        #expect(!g([32, 32], [5, 5], groups: 2).prefersFFT(under: .fft))
        // Grids below 4 × 4 (bottlenecks) only with at least 128 · 128 channel pairs: the smoke U-Net's 64 → 64 stays direct.
        func wide(_ s: [Int], _ cin: Int, _ cout: Int) -> ConvGeometry { ConvGeometry(batch: 2, spatial: s, kernel: [5, 5], cin: cin, cout: cout) }
        #expect(wide([2, 2], 128, 128).prefersFFT(under: .fft) && wide([3, 2], 256, 256).prefersFFT(under: .fft) && wide([1, 1], 512, 32).prefersFFT(under: .fft))
        #expect(!wide([2, 2], 64, 64).prefersFFT(under: .fft) && !wide([2, 2], 128, 64).prefersFFT(under: .fft))
        #expect(!wide([2, 2], 256, 256).prefersFFT(under: .direct))
    }

    /// 1-D: kernels of at least 9 on grids of at most k² points (the dense transforms grow with the square of the length).
    @Test func theRuleTakesLargeKernelsOnShortGridsIn1D() {
        func g(_ l: Int, _ k: Int, groups: Int = 1) -> ConvGeometry { ConvGeometry(batch: 2, spatial: [l], kernel: [k], cin: 4, cout: 4, groups: groups) }
        #expect(g(200, 21).prefersFFT(under: .fft) && g(441, 21).prefersFFT(under: .fft) && g(81, 9).prefersFFT(under: .fft) && g(5, 9).prefersFFT(under: .fft))
        #expect(!g(200, 21).prefersFFT(under: .direct), "never under the default")
        #expect(!g(442, 21).prefersFFT(under: .fft) && !g(82, 9).prefersFFT(under: .fft) && !g(64, 7).prefersFFT(under: .fft))
        #expect(!g(64, 21, groups: 2).prefersFFT(under: .fft))
        #expect(g(64, 21).columnGeometry == ConvGeometry(batch: 2, spatial: [64, 1], kernel: [21, 1], cin: 4, cout: 4))
    }

    @Test func settingsParseAndUnknownValuesAreRefusedByName() {
        #expect(ConvolutionAlgorithms.parse("fft") == .success(.fft) && ConvolutionAlgorithms.parse("direct") == .success(.direct))
        guard case .failure(let e) = ConvolutionAlgorithms.parse("winograd") else { Issue.record("accepted an unknown setting"); return }
        #expect(ConvolutionAlgorithms.parse("fft2") == .success(.fft2))
        #expect(e.message.contains("AENP_CONVOLUTION") && e.message.contains("direct or fft or fft2") && e.message.contains("'winograd'"))
    }

    /// Values and both gradients of the FFT path agree with the direct path's to float32 rounding, and the FFT path
    /// is really taken (its result is not bitwise the direct one).
    @Test(arguments: [([8, 8], [5, 5], 3, 5), ([2, 2], [5, 5], 128, 128), ([3, 1], [5, 5], 256, 64), ([6, 10], [7, 5], 4, 2), ([16, 16], [9, 9], 2, 3), ([40], [9], 3, 5), ([64], [21], 4, 2), ([12], [11], 2, 3)])
    func agreesWithTheDirectPath(spatial: [Int], kernel: [Int], cin: Int, cout: Int) {
        let x = randomTensor([3] + spatial + [cin], seed: 81), w = randomTensor(kernel + [cin, cout], seed: 82)
        let upstream = randomTensor([3] + spatial + [cout], seed: 83)
        func run(_ a: ConvolutionAlgorithms) -> ConvResult { convolve(x, w, upstream: upstream, algorithms: a) }
        let (d, f2) = (run(.direct), run(.fft2))
        let f = run(.fft)
        for r in [f, f2] {
            #expect(maxAbsDifference(r.y, d.y) <= 1e-5 * largest(d.y))
            #expect(maxAbsDifference(r.dx, d.dx) <= 1e-5 * largest(d.dx) && maxAbsDifference(r.dw, d.dw) <= 1e-5 * largest(d.dw))
        }
        #expect(f.y != d.y, "the FFT path was taken")
    }

    /// Which taps reach the grid: 3 × 3 of a 5 × 5 kernel on 2 × 2, the centre alone on 1 × 1; nothing to cut when
    /// some axis needs all its taps, for even kernels, or in 1-D.
    @Test func tapsReachingTheGridAreTheCentralOnes() {
        func g(_ s: [Int], _ k: [Int]) -> ConvGeometry { ConvGeometry(batch: 2, spatial: s, kernel: k, cin: 4, cout: 4) }
        #expect(g([2, 2], [5, 5]).tapsReachingTheGrid == [1..<4, 1..<4])
        #expect(g([1, 1], [5, 5]).tapsReachingTheGrid == [2..<3, 2..<3])
        #expect(g([4, 4], [9, 9]).tapsReachingTheGrid == [1..<8, 1..<8])
        #expect(g([2, 1], [5, 3]).tapsReachingTheGrid == [1..<4, 1..<2])
        #expect(g([3, 2], [5, 5]).tapsReachingTheGrid == nil && g([2, 2], [3, 3]).tapsReachingTheGrid == nil)
        #expect(g([2, 2], [4, 4]).tapsReachingTheGrid == nil && g([3], [9]).tapsReachingTheGrid == nil)
        #expect(ConvolutionAlgorithms.fft2.cropsKernelsToTheGrid && !ConvolutionAlgorithms.fft.cropsKernelsToTheGrid)
    }

    /// Under `fft2` a kernel wider than its grid is cut to the taps that reach it: the same values and input gradient
    /// as the full kernel's direct convolution to float32 rounding, a weight gradient of exactly zero on the taps
    /// that only meet the padding, and rounded otherwise than the FFT path `fft` takes on the same shape.
    @Test(arguments: [([2, 2], [5, 5], 128, 128), ([2, 2], [5, 5], 8, 4), ([1, 1], [5, 5], 16, 8), ([2, 1], [5, 3], 6, 5)])
    func kernelsWiderThanTheGridAreCut(spatial: [Int], kernel: [Int], cin: Int, cout: Int) {
        let x = randomTensor([3] + spatial + [cin], seed: 92), w = randomTensor(kernel + [cin, cout], seed: 93)
        let upstream = randomTensor([3] + spatial + [cout], seed: 94)
        func run(_ a: ConvolutionAlgorithms) -> ConvResult { convolve(x, w, upstream: upstream, algorithms: a) }
        let (d, cut) = (run(.direct), run(.fft2))
        #expect(maxAbsDifference(cut.y, d.y) <= 1e-5 * largest(d.y))
        #expect(maxAbsDifference(cut.dx, d.dx) <= 1e-5 * largest(d.dx) && maxAbsDifference(cut.dw, d.dw) <= 1e-5 * largest(d.dw))
        let taps = ConvGeometry(batch: 3, spatial: spatial, kernel: kernel, cin: cin, cout: cout).tapsReachingTheGrid!
        for i in 0..<kernel[0] { for j in 0..<kernel[1] where !(taps[0].contains(i) && taps[1].contains(j)) {
            let at = (i * kernel[1] + j) * cin * cout
            #expect(cut.dw[at..<(at + cin * cout)].allSatisfy { $0 == 0 }, "tap (\(i), \(j)) only meets the padding")
        }}
        // The cut path is taken: bit for bit the direct convolution with the central taps.
        let t = Tape()
        let central = t.slice(t.slice(t.constant(w), axis: 0, taps[0]), axis: 1, taps[1])
        #expect(t.conv(t.constant(x), central, algorithms: .direct).scalars == cut.y)
        if cin * cout >= 128 * 128 { #expect(cut.y != run(.fft).y, "fft takes the frequency domain here, fft2 the cut kernel") }
    }

    @Test func gradientMatchesFiniteDifferencesWithACutKernel() {
        expectGradientsMatch([randomTensor([2, 2, 2, 3], seed: 95), randomTensor([5, 5, 3, 2], seed: 96)]) { t, v in
            t.conv(v[0], v[1], algorithms: .fft2)
        }
    }

    /// `fft2` transforms the kernels of grids with few bins in one stage; the weight gradient then differs in rounding
    /// from `fft`'s separable transforms (the one-stage path was taken) and both agree with the direct path (above).
    @Test(arguments: [([8, 8], [5, 5], 3, 5), ([2, 3], [5, 5], 128, 128), ([4, 5], [5, 5], 2, 3)])
    func fft2TransformsSmallGridKernelsInOneStage(spatial: [Int], kernel: [Int], cin: Int, cout: Int) {
        let g = ConvGeometry(batch: 3, spatial: spatial, kernel: kernel, cin: cin, cout: cout)
        #expect(KernelTransforms.chosen(under: .fft2, sizes: g.fastFFTSizes) == .oneStage)
        #expect(KernelTransforms.chosen(under: .fft, sizes: g.fastFFTSizes) == .separable)
        #expect(KernelTransforms.chosen(under: .fft2, sizes: (34, 34)) == .separable, "a 32 × 32 grid keeps the separable transforms")
        let x = randomTensor([3] + spatial + [cin], seed: 88), w = randomTensor(kernel + [cin, cout], seed: 89)
        func dw(_ a: ConvolutionAlgorithms) -> [Float] {
            let t = Tape()
            let (vx, vw) = (Variable(x, requiresGrad: true), Variable(w, requiresGrad: true))
            t.backward(from: t.sumAll(t.mul(t.conv(vx, vw, algorithms: a), t.conv(vx, vw, algorithms: a))))
            return vw.grad.scalars
        }
        #expect(dw(.fft2) != dw(.fft))
    }

    @Test func gradientMatchesFiniteDifferences() {
        expectGradientsMatch([randomTensor([2, 6, 5, 3], seed: 84), randomTensor([5, 5, 3, 2], seed: 85)]) { t, v in
            t.conv(v[0], v[1], algorithms: .fft)
        }
    }

    @Test func gradientMatchesFiniteDifferencesWithOneStageKernelTransforms() {
        expectGradientsMatch([randomTensor([2, 4, 5, 3], seed: 90), randomTensor([5, 5, 3, 2], seed: 91)]) { t, v in
            t.conv(v[0], v[1], algorithms: .fft2)
        }
    }

    @Test func gradientMatchesFiniteDifferencesIn1D() {
        expectGradientsMatch([randomTensor([2, 20, 3], seed: 86), randomTensor([9, 3, 2], seed: 87)]) { t, v in
            t.conv(v[0], v[1], algorithms: .fft)
        }
    }
}

import Foundation
@testable import NPAutodiff
import NPTensor
import NPTestSupport
import Testing

/// The vectorised exponential of the SetConvs' Gaussian weights (`FastExp.gaussianWeights`, used under `fft2`) against the
/// Double exponential, and the `fft2` SetConv ops against the `direct` ones they round differently from.
@Suite struct GaussianExpTests {
    /// Float(exp(x)) in Double: the correctly rounded value, to within the Double's own rounding.
    func reference(_ x: Float) -> Float { x < FastExp.gaussianCutoff ? 0 : Float(Foundation.exp(Double(x))) }

    /// The weights of exponents over the whole range (a dense sweep, the cutoff and the ends; c = −1, so d² = −x),
    /// through the array form, whose length is not a multiple of any vector width.
    @Test func withinTwoUnitsInTheLastPlaceOfTheDoubleExponential() {
        var xs: [Float] = stride(from: -80.0, through: 0.0, by: 80.0 / 200_000).map { Float($0) }
        xs += [0, -0.0, -Float.leastNonzeroMagnitude, -1e-30, -0.5 * Float(M_LN2), 0.5 * Float(-M_LN2) - 1e-7,
               FastExp.gaussianCutoff, FastExp.gaussianCutoff.nextUp, FastExp.gaussianCutoff.nextDown, -80.5, -1000, -.infinity]
        let d2 = xs.map { -$0 }
        var w = [Float](repeating: .nan, count: xs.count)
        d2.withUnsafeBufferPointer { p in w.withUnsafeMutableBufferPointer { o in
            FastExp.gaussianWeights(squaredDistances: p.baseAddress!, scale: -1, into: o.baseAddress!, count: xs.count)
        }}
        var worst: Float = 0
        for (x, got) in zip(xs, w) {
            let want = reference(x)
            if want == 0 { #expect(got == 0, "exp(\(x)) below the cutoff is exactly 0"); continue }
            worst = max(worst, abs(got - want) / want.ulp)
        }
        #expect(worst <= 2, "largest error \(worst) units in the last place")
        #expect(w[xs.firstIndex(of: 0)!] == 1)
    }

    /// Every length, the vectorised body and its remainder: element for element the one-value `FastExp.exp`.
    @Test func weightsOfEveryLengthAgreeWithOneValueAtATime() {
        let c: Float = -0.7
        for count in [0, 1, 15, 16, 17, 33, 100] {
            let d2 = randomTensor([max(count, 1)], seed: UInt64(count), low: 0, high: 150).scalars.prefix(count).map { $0 }
            var w = [Float](repeating: .nan, count: count)
            d2.withUnsafeBufferPointer { p in w.withUnsafeMutableBufferPointer { o in
                if let d = p.baseAddress, let out = o.baseAddress { FastExp.gaussianWeights(squaredDistances: d, scale: c, into: out, count: count) }
            }}
            for i in 0..<count {
                let e = c * d2[i]
                let one = e < FastExp.gaussianCutoff ? 0 : FastExp.exp(e)
                #expect(w[i].bitPattern == one.bitPattern, "element \(i) of \(count)")
            }
        }
    }

    /// `rbfWeights` under `fft2` against `direct`: the same zeros, values within 2 units in the last place, and
    /// gradients (squared distances and log-lengthscale; the latter summed in blocks, over more than one block
    /// so that the blocks run in parallel) within float32 rounding.
    @Test func rbfWeightsUnderFFT2AgreeWithDirect() {
        let d2 = randomTensor([3, 200, 300], seed: 5, low: 0, high: 150)   // 180,000 elements: three blocks of 65,536
        let upstream = randomTensor([3, 200, 300], seed: 6)
        func run(_ a: ConvolutionAlgorithms) -> (w: [Float], gd: [Float], gl: Float) {
            let tape = Tape(convolutions: a)
            let d = Variable(d2, requiresGrad: true), l = Variable(Tensor(shape: [1], scalars: [-0.2]), requiresGrad: true)
            let w = tape.rbfWeights(d, logLengthscale: l)
            tape.backward(from: tape.sumAll(tape.mul(w, tape.constant(upstream))))
            return (w.scalars, d.grad.scalars, l.grad.scalars[0])
        }
        let (fast, direct) = (run(.fft2), run(.direct))
        #expect(zip(fast.w, direct.w).allSatisfy { ($0 == 0) == ($1 == 0) })
        #expect(zip(fast.w, direct.w).allSatisfy { abs($0 - $1) <= 2 * $1.ulp })
        #expect(direct.w.contains(0) && direct.w.contains { $0 > 0.5 }, "the test covers underflow and large weights")
        #expect(maxAbsDifference(fast.gd, direct.gd) <= 1e-6 * (direct.gd.map(abs).max() ?? 1))
        #expect(abs(fast.gl - direct.gl) <= 1e-5 * abs(direct.gl), "\(fast.gl) vs \(direct.gl)")
    }

    @Test func rbfWeightsGradientUnderFFT2() {
        expectGradientsMatch([randomTensor([2, 3, 4], seed: 60, low: 0, high: 3), Tensor(shape: [1], scalars: [-0.3])],
                             convolutions: .fft2) { t, v in t.rbfWeights(v[0], logLengthscale: v[1]) }
    }

    /// `separableRBFWeights` under `fft2` sums each task's lengthscale gradient from zero, the tasks in parallel:
    /// the values are unchanged and the gradient is the in-order one to float32 rounding.
    @Test func separableRBFWeightsUnderFFT2AgreeWithDirect() {
        var grid = [Float]()
        for _ in 0..<4 { for p in 0..<(48 * 32) { grid += [Float(p / 32) * 0.09 - 2, Float(p % 32) * 0.08 - 1.3] } }
        let a = Tensor(shape: [4, 48 * 32, 2], scalars: grid), b = randomTensor([4, 100, 2], seed: 45, low: -2, high: 2)
        let upstream = randomTensor([4, 48 * 32, 100], seed: 46)
        func run(_ alg: ConvolutionAlgorithms) -> (w: [Float], g: [Float]) {
            let tape = Tape(convolutions: alg)
            let l = Variable(Tensor(shape: [2], scalars: [-1.5, -1.7]), requiresGrad: true)
            let w = tape.separableRBFWeights(a, b, logLengthscales: l)
            tape.backward(from: tape.sumAll(tape.mul(w, tape.constant(upstream))))
            return (w.scalars, l.grad.scalars)
        }
        let (fast, direct) = (run(.fft2), run(.direct))
        #expect(fast.w.map(\.bitPattern) == direct.w.map(\.bitPattern))
        for d in 0..<2 { #expect(abs(fast.g[d] - direct.g[d]) <= 2 * direct.g[d].ulp, "\(fast.g) vs \(direct.g)") }
    }

    @Test func separableRBFWeightsGradientUnderFFT2() {
        let grid = Tensor(shape: [2, 6, 2], scalars: (0..<24).map { Float($0 % 5) * 0.3 - 0.6 })
        let points = randomTensor([2, 7, 2], seed: 44)
        expectGradientsMatch([Tensor(shape: [2], scalars: [-0.9, -0.4])], convolutions: .fft2) { t, v in
            t.separableRBFWeights(points, grid, logLengthscales: v[0])
        }
    }

    /// The fixed-block sum is the blocks' sums added in order, whatever the block count.
    @Test func sumOverFixedBlocksAddsTheBlocksInOrder() {
        let xs = randomTensor([200_001], seed: 8).scalars.map(Double.init)
        for block in [1 << 16, 1000, 7] {
            var expected = 0.0
            for start in stride(from: 0, to: xs.count, by: block) { expected += xs[start..<min(start + block, xs.count)].reduce(0, +) }
            let got = sumOverFixedBlocks(xs.count, block: block, work: .max) { xs[$0].reduce(0, +) }
            #expect(got == expected)
        }
    }
}

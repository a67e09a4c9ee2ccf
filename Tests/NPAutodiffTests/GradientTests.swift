import Foundation
import NPAutodiff
import NPTensor
import NPTestSupport
import Testing

/// Every differentiable operation against float64-accumulated central differences (see `checkGradient`).
@Suite struct GradientTests {
    func r(_ shape: [Int], _ seed: UInt64, _ lo: Float = -1, _ hi: Float = 1) -> Tensor { randomTensor(shape, seed: seed, low: lo, high: hi) }

    @Test func matmulLinear() {
        expectGradientsMatch([r([2, 3, 4], 1), r([4, 5], 2)]) { t, v in t.matmul(v[0], v[1]) }
        expectGradientsMatch([r([3, 4], 1), r([5, 4], 2)]) { t, v in t.matmul(v[0], v[1], transposeB: true) }
    }

    @Test func matmulBatched() {
        expectGradientsMatch([r([2, 3, 4], 3), r([2, 4, 5], 4)]) { t, v in t.matmul(v[0], v[1]) }
        expectGradientsMatch([r([2, 2, 3, 4], 3), r([2, 2, 5, 4], 4)]) { t, v in t.matmul(v[0], v[1], transposeB: true) }
    }

    @Test func broadcastingArithmetic() {
        let shapes: [([Int], [Int])] = [([2, 3], [2, 3]), ([2, 3, 4], [4]), ([2, 1, 4], [3, 1]), ([], [2, 2]), ([3, 1], [1, 3])]
        for (sa, sb) in shapes {
            expectGradientsMatch([r(sa, 5), r(sb, 6)]) { t, v in t.add(v[0], v[1]) }
            expectGradientsMatch([r(sa, 5), r(sb, 6)]) { t, v in t.sub(v[0], v[1]) }
            expectGradientsMatch([r(sa, 5), r(sb, 6)]) { t, v in t.mul(v[0], v[1]) }
            expectGradientsMatch([r(sa, 5), r(sb, 6, 0.5, 1.5)]) { t, v in t.div(v[0], v[1]) }
        }
    }

    @Test func unaryFunctions() {
        // Inputs kept away from kinks and singularities (relu at 0, log/sqrt at 0).
        var x = r([3, 5], 7)
        x.scalars = x.scalars.map { abs($0) < 0.05 ? $0 + 0.1 : $0 }
        expectGradientsMatch([x]) { t, v in t.relu(v[0]) }
        expectGradientsMatch([r([3, 5], 8, -4, 4)]) { t, v in t.softplus(v[0]) }
        expectGradientsMatch([r([3, 5], 9)]) { t, v in t.exp(v[0]) }
        expectGradientsMatch([r([3, 5], 10, 0.5, 2)]) { t, v in t.log(v[0]) }
        expectGradientsMatch([r([3, 5], 11, 0.5, 2)]) { t, v in t.sqrt(v[0]) }
        expectGradientsMatch([r([3, 5], 12)]) { t, v in t.square(v[0]) }
        expectGradientsMatch([r([3, 5], 13)]) { t, v in t.sin(v[0]) }
        expectGradientsMatch([r([3, 5], 14)]) { t, v in t.cos(v[0]) }
        expectGradientsMatch([r([3, 5], 15)]) { t, v in t.affine(v[0], scale: -2, shift: 3) }
    }

    /// The written-out affine map computes the same floats as multiplying by a constant and adding one, values and
    /// gradient, on a tensor large enough for its backward pass to split over the workers.
    @Test func affineIsBitwiseTheMultiplyAndAdd() {
        let x = r([4, 300_001], 18, -3, 3), upstream = r([4, 300_001], 19)
        func run(_ f: (Tape, Variable) -> Variable) -> (y: [Float], dx: [Float]) {
            let t = Tape(), v = Variable(x, requiresGrad: true)
            let y = f(t, v)
            t.backward(from: t.sumAll(t.mul(y, t.constant(upstream))))
            return (y.scalars, v.grad.scalars)
        }
        let (a, b): (Float, Float) = (1.0 / 3.0, -0.7)
        let written = run { t, v in t.affine(v, scale: a, shift: b) }
        let composed = run { t, v in t.add(t.mul(v, t.constant(Tensor(repeating: a, shape: x.shape))), t.constant(Tensor(repeating: b, shape: x.shape))) }
        #expect(written.y == composed.y && written.dx == composed.dx)
    }

    @Test func reductions() {
        for axis in 0..<3 {
            expectGradientsMatch([r([2, 3, 4], 16)]) { t, v in t.sum(v[0], axis: axis) }
            expectGradientsMatch([r([2, 3, 4], 17)]) { t, v in t.mean(v[0], axis: axis, keepDims: true) }
        }
        expectGradientsMatch([r([2, 3, 4], 18)]) { t, v in t.sum(v[0], axes: [0, 2]) }
        expectGradientsMatch([r([2, 3, 4], 19)]) { t, v in t.meanAll(v[0]) }
    }

    @Test func shapeOperations() {
        expectGradientsMatch([r([2, 3, 4], 20)]) { t, v in t.reshape(v[0], [4, -1]) }
        expectGradientsMatch([r([2, 3, 4], 21)]) { t, v in t.permute(v[0], [2, 0, 1]) }
        expectGradientsMatch([r([2, 3, 4], 22)]) { t, v in t.transpose(v[0]) }
        expectGradientsMatch([r([2, 3, 4], 23), r([2, 1, 4], 24)]) { t, v in t.concat([v[0], v[1], v[0]], axis: 1) }
        expectGradientsMatch([r([2, 5, 3], 25)]) { t, v in t.slice(v[0], axis: 1, 1..<4) }
        expectGradientsMatch([r([2, 5, 3], 26)]) { t, v in
            let parts = t.split(v[0], axis: -1, sizes: [1, 2])
            return t.mul(parts[0], t.sum(parts[1], axis: -1, keepDims: true))
        }
        expectGradientsMatch([r([4, 3], 27)]) { t, v in t.gather(v[0], axis: 0, indices: [3, 0, 3, 1]) }
    }

    @Test func softmaxAndLayerNorm() {
        for axis in [0, 1, -1] { expectGradientsMatch([r([3, 4, 5], 28, -2, 2)]) { t, v in t.softmax(v[0], axis: axis) } }
        expectGradientsMatch([r([3, 4, 6], 29, -2, 2), r([6], 30, 0.5, 1.5), r([6], 31)]) { t, v in
            t.layerNorm(v[0], gain: v[1], bias: v[2])
        }
    }

    @Test func pairwiseSquaredDistances() {
        expectGradientsMatch([r([2, 3, 2], 32), r([2, 4, 2], 33)]) { t, v in t.pairwiseSquaredDistances(v[0], v[1]) }
        expectGradientsMatch([r([3, 1], 34), r([5, 1], 35)]) { t, v in t.pairwiseSquaredDistances(v[0], v[1]) }
    }

    @Test func convolutions() {
        expectGradientsMatch([r([2, 9, 3], 36), r([5, 3, 4], 37)]) { t, v in t.conv(v[0], v[1]) }
        expectGradientsMatch([r([2, 8, 4], 38), r([4, 2, 6], 39)]) { t, v in t.conv(v[0], v[1], groups: 2) }
        expectGradientsMatch([r([1, 5, 6, 2], 40), r([3, 3, 2, 3], 41)]) { t, v in t.conv(v[0], v[1]) }
        expectGradientsMatch([r([2, 4, 4, 4], 42), r([2, 3, 1, 4], 43)]) { t, v in t.conv(v[0], v[1], groups: 4) }
    }

    @Test func poolingAndUpsampling() {
        // Distinct values per window so the maximum is unique and finite differences do not cross a tie.
        var x = Tensor(shape: [2, 4, 6, 3], scalars: (0..<144).map { Float(($0 * 37) % 144) / 20 })
        expectGradientsMatch([x]) { t, v in t.maxPool2x2(v[0]) }
        x = r([2, 3, 4, 2], 44)
        expectGradientsMatch([x]) { t, v in t.upsampleBilinear(v[0], height: 6, width: 7) }
        expectGradientsMatch([x]) { t, v in t.upsampleBilinear(v[0], height: 1, width: 8) }
    }

    @Test func gaussianLogLikelihood() {
        for p in [ScaleParameterisation.varianceSoftplus, .standardDeviationSoftplus] {
            expectGradientsMatch([r([3, 4], 45, -2, 2), r([3, 4], 46), r([3, 4], 47, -1, 2)]) { t, v in
                t.gaussianLogLikelihood(v[0], mean: v[1], raw: v[2], parameterisation: p, floor: 1e-3)
            }
        }
    }

    /// A composite: a variable used twice (gradients must add), through several ops.
    @Test func fanOutAccumulates() {
        expectGradientsMatch([r([3, 4], 48), r([4, 4], 49)]) { t, v in
            let h = t.matmul(v[0], v[1])
            return t.mul(t.softmax(h), t.add(h, v[0]))
        }
    }

    /// The checker itself must fail on a wrong gradient, or it proves nothing.
    @Test func checkerCatchesAWrongGradient() {
        let report = checkGradient([r([3, 3], 50)]) { t, v in
            // forward computes 2x, backward claims the derivative is 3
            t.result(Tensor(shape: v[0].shape, scalars: v[0].scalars.map { 2 * $0 }), inputs: [v[0]]) { out in
                v[0].accumulateGrad(out.gradStorage.map { 3 * $0 })
            }
        }
        #expect(report.worst > 10)
    }
}

@Suite struct RBFTests {
    @Test func rbfWeightsGradient() {
        expectGradientsMatch([randomTensor([2, 3, 4], seed: 60, low: 0, high: 3), Tensor(shape: [1], scalars: [-0.3])]) { t, v in
            t.rbfWeights(v[0], logLengthscale: v[1])
        }
    }

    @Test func rbfWeightsValuesAndUnderflow() {
        let t = Tape(recording: false)
        let w = t.rbfWeights(Variable(Tensor(shape: [3], scalars: [0, 1, 1000])), logLengthscale: Variable(Tensor(shape: [1], scalars: [0])))
        #expect(w.scalars[0] == 1 && abs(w.scalars[1] - Float(exp(-0.5))) < 1e-7 && w.scalars[2] == 0)
    }
}

@Suite struct DenseTests {
    @Test func denseGradients() {
        for relu in [false, true] {
            var x = randomTensor([2, 3, 4], seed: 70)
            x.scalars = x.scalars.map { $0 + 0.05 }
            expectGradientsMatch([x, randomTensor([5, 4], seed: 71), randomTensor([5], seed: 72)]) { t, v in
                t.dense(v[0], weight: v[1], bias: v[2], relu: relu)
            }
        }
    }

    /// The fused op equals the composition it replaces, values and gradients, also on the parallel path.
    @Test func denseEqualsComposition() {
        let x = randomTensor([3000, 40], seed: 73), w = randomTensor([24, 40], seed: 74), b = randomTensor([24], seed: 75)
        var grads: [[Float]] = []
        var values: [[Float]] = []
        for fused in [true, false] {
            let (vx, vw, vb) = (Variable(x, requiresGrad: true), Variable(w, requiresGrad: true), Variable(b, requiresGrad: true))
            let t = Tape()
            let y = fused ? t.dense(vx, weight: vw, bias: vb, relu: true) : t.relu(t.add(t.matmul(vx, vw, transposeB: true), vb))
            t.backward(from: t.sumAll(t.square(y)))
            values.append(y.scalars)
            grads.append(vx.grad.scalars + vw.grad.scalars + vb.grad.scalars)
        }
        #expect(maxAbsDifference(values[0], values[1]) < 1e-5)
        #expect(maxAbsDifference(grads[0], grads[1]) < 1e-2)   // sums over 3000 rows in different orders
    }
}

@Suite struct ScaledSoftmaxTests {
    @Test func scaledSoftmaxGradient() {
        expectGradientsMatch([randomTensor([2, 3, 5], seed: 80, low: -2, high: 2)]) { t, v in t.softmax(v[0], axis: -1, scale: 0.25) }
        expectGradientsMatch([randomTensor([2, 3, 5], seed: 81, low: -2, high: 2)]) { t, v in t.softmax(v[0], axis: 1, scale: 3) }
    }
}

/// `scaledByOnePlus(h, t)` is `add(h, mul(h, t))` written out: bit for bit the same values and gradients (with
/// gradients already accumulated in h and t, over enough elements that the passes split over the workers), and it
/// passes the finite-difference check.
@Suite struct ScaledByOnePlusTests {
    func valuesAndGradients(fused: Bool) -> [[UInt32]] {
        let tape = Tape()
        let x = Variable(randomTensor([3, 40, 50, 8], seed: 80), requiresGrad: true)
        let tv = Variable(randomTensor([3, 40, 50, 8], seed: 81), requiresGrad: true)
        let h = tape.relu(x), t = tape.affine(tv, scale: 0.3)
        let y = fused ? tape.scaledByOnePlus(h, t) : tape.add(h, tape.mul(h, t))
        let other = tape.mul(h, t)   // a second use of h and t, so that their gradients are not only this op's
        let upstream = randomTensor([3, 40, 50, 8], seed: 82)
        tape.backward(from: tape.add(tape.sumAll(tape.mul(y, tape.constant(upstream))), tape.sumAll(other)))
        return [y.scalars, x.grad.scalars, tv.grad.scalars].map { $0.map(\.bitPattern) }
    }

    @Test func equalBitForBitToTheComposition() {
        let (fused, composed) = (valuesAndGradients(fused: true), valuesAndGradients(fused: false))
        #expect(fused[0] == composed[0], "values")
        #expect(fused[1] == composed[1], "gradient of h")
        #expect(fused[2] == composed[2], "gradient of t")
    }

    @Test func gradientMatchesFiniteDifferences() {
        expectGradientsMatch([randomTensor([2, 3, 4], seed: 83), randomTensor([2, 3, 4], seed: 84)]) { t, v in
            t.scaledByOnePlus(v[0], v[1])
        }
    }
}

/// Ops that write a new input gradient instead of zero-filling it first (`withGradToOverwriteOrAdd`) give bit for
/// bit what accumulating into zeros gives, signed zeros included: the same backward pass once with fresh gradients
/// and once with gradients already allocated as zeros.
@Suite struct NewGradientBufferTests {
    func gradients(preallocated: Bool, _ build: (Tape, Variable, Variable) -> Variable) -> [[UInt32]] {
        var xs = randomTensor([4, 30, 40], seed: 90).scalars, ys = randomTensor([4, 30, 40], seed: 91).scalars.map { $0 + 2 }
        for i in stride(from: 0, to: xs.count, by: 7) { xs[i] = -0.0 }
        for i in stride(from: 3, to: ys.count, by: 11) { ys[i] = 1 }
        let x = Variable(Tensor(shape: [4, 30, 40], scalars: xs), requiresGrad: true)
        let y = Variable(Tensor(shape: [4, 30, 40], scalars: ys), requiresGrad: true)
        let tape = Tape()
        let out = build(tape, x, y)
        var up = randomTensor(out.shape, seed: 92).scalars
        for i in stride(from: 0, to: up.count, by: 5) { up[i] = i % 2 == 0 ? -0.0 : 0 }   // signed zeros upstream
        if preallocated {
            x.withGrad { _ in }; y.withGrad { _ in }
        }
        tape.backward(from: tape.sumAll(tape.mul(out, tape.constant(Tensor(shape: out.shape, scalars: up)))))
        return [x.gradStorage.map(\.bitPattern), y.gradStorage.map(\.bitPattern)]
    }

    @Test func newGradientsAreWhatAccumulatingIntoZerosGives() {
        let ops: [(String, (Tape, Variable, Variable) -> Variable)] = [
            ("relu", { t, x, y in t.add(t.relu(x), y) }),
            ("affine", { t, x, y in t.add(t.affine(x, scale: -0.5), y) }),
            ("add", { t, x, y in t.add(x, y) }), ("sub", { t, x, y in t.sub(x, y) }),
            ("mul", { t, x, y in t.mul(x, y) }), ("div", { t, x, y in t.div(x, y) }),
            ("scaledByOnePlus", { t, x, y in t.scaledByOnePlus(x, y) }),
        ]
        for (name, op) in ops {
            let same = gradients(preallocated: false, op) == gradients(preallocated: true, op)
            #expect(same, "\(name): the new and the zero-filled gradients differ")
        }
    }
}

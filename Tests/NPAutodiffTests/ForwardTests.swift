import Foundation
import NPAutodiff
import NPTensor
import NPTestSupport
import Testing

/// Forward values against hand-computed or PyTorch-defined numbers.
@Suite struct ForwardTests {
    let tape = Tape(recording: false)
    func v(_ shape: [Int], _ s: [Float]) -> Variable { Variable(Tensor(shape: shape, scalars: s)) }

    @Test func softmaxRowsSumToOneAndMatchDefinition() {
        let y = tape.softmax(v([2, 3], [1, 2, 3, 1000, 1000, 1000]))
        let e = [exp(-2.0), exp(-1.0), 1.0]
        let s = e.reduce(0, +)
        #expect(maxAbsDifference(Array(y.scalars[0..<3]), e.map { Float($0 / s) }) < 1e-6)
        #expect(maxAbsDifference(Array(y.scalars[3..<6]), [1 / 3, 1 / 3, 1 / 3]) < 1e-6)   // no overflow
    }

    @Test func layerNormNormalises() {
        let y = tape.layerNorm(v([1, 4], [1, 2, 3, 4]), gain: v([4], [1, 1, 1, 1]), bias: v([4], [0, 0, 0, 0]), eps: 0)
        let sd = Float(1.25).squareRoot()
        #expect(maxAbsDifference(y.scalars, [-1.5 / sd, -0.5 / sd, 0.5 / sd, 1.5 / sd]) < 1e-6)
    }

    @Test func upsamplingKeepsCornersAndInterpolatesLinearly() {
        // align_corners=True: a 2-point ramp [0, 3] resampled to 4 points is [0, 1, 2, 3].
        let y = tape.upsampleBilinear(v([1, 1, 2, 1], [0, 3]), height: 1, width: 4)
        #expect(y.scalars == [0, 1, 2, 3])
        let z = tape.upsampleBilinear(v([1, 2, 2, 1], [0, 1, 2, 3]), height: 3, width: 3)
        #expect(z.scalars == [0, 0.5, 1, 1, 1.5, 2, 2, 2.5, 3])
    }

    @Test func maxPoolPicksWindowMaxima() {
        let y = tape.maxPool2x2(v([1, 2, 4, 1], [1, 5, 2, 0, 3, 4, 7, 8]))
        #expect(y.shape == [1, 1, 2, 1] && y.scalars == [5, 8])
    }

    @Test func gaussianLogLikelihoodMatchesFormula() {
        let raw: Float = 0.3
        let variance = Float(log1p(exp(Double(raw))))
        let ll = tape.gaussianLogLikelihood(v([1], [1.5]), mean: v([1], [0.5]), raw: v([1], [raw]))
        let expected = -0.5 * log(2 * Float.pi * variance) - 1 / (2 * variance)
        #expect(abs(ll.scalars[0] - expected) < 1e-6)
        let sd = tape.gaussianLogLikelihood(v([1], [1.5]), mean: v([1], [0.5]), raw: v([1], [raw]),
                                            parameterisation: .standardDeviationSoftplus)
        #expect(abs(sd.scalars[0] - (-0.5 * log(2 * Float.pi * variance * variance) - 1 / (2 * variance * variance))) < 1e-6)
    }

    @Test func softplusIsStableAtExtremes() {
        #expect(softplusScalar(100) == 100)
        #expect(softplusScalar(-100) > 0 && softplusScalar(-100) < 1e-40)
        #expect(abs(softplusScalar(0) - Float(log(2.0))) < 1e-7)
    }

    @Test func pairwiseDistancesAreExactlyZeroOnEqualPoints() {
        let a = v([1, 2, 1], [0.1, 7.3])
        let d = tape.pairwiseSquaredDistances(a, a)
        #expect(d.scalars[0] == 0 && d.scalars[3] == 0)
        #expect(abs(d.scalars[1] - 7.2 * 7.2) < 1e-4)
    }

    @Test func nonRecordingTapeRecordsNothing() {
        let p = Variable(Tensor(shape: [2], scalars: [1, 2]), requiresGrad: true)
        let t = Tape(recording: false)
        let y = t.mul(p, p)
        #expect(t.count == 0 && !y.requiresGrad)
    }

    @Test func backwardAccumulatesIntoParametersAcrossCalls() {
        let p = Variable(Tensor(shape: [2], scalars: [1, 2]), requiresGrad: true)
        for _ in 0..<2 {
            let t = Tape()
            t.backward(from: t.sumAll(t.mul(p, p)))
        }
        #expect(p.grad.scalars == [4, 8])   // 2 · (2p)
    }
}

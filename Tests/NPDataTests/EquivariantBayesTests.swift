import Foundation
@testable import NPData
import NPTensor
import Testing

/// The best translation-equivariant predictor: equivariant by construction, never better than the exact predictor
/// on average, and equal to it where the change point is out of reach.
@Suite struct EquivariantBayesTests {
    let sampler = GibbsGPSampler(.inDistribution(kernel: .asReleased))

    @Test func shiftingEveryInputShiftsThePredictive() {
        var rng = RandomGenerator(seed: 21)
        var near = GibbsGPConfig.inDistribution(kernel: .asReleased)
        near.centreRange = 0.5...0.5   // the context straddles the change point
        let t = GibbsGPSampler(near).sampleTask(contextCount: 12, using: &rng)
        let p = GibbsEquivariantBayes(kernel: .asReleased, spacing: 0.1)
        let a = p.predict(xc: t.xc, yc: t.yc, xt: t.xt)
        let b = p.predict(xc: t.xc.map { $0 + 3.7 }, yc: t.yc, xt: t.xt.map { $0 + 3.7 })
        for (x, y) in zip(a.mixtureMean, b.mixtureMean) { #expect(abs(x - y) < 1e-7) }
        for (x, y) in zip(a.mixtureStd, b.mixtureStd) { #expect(abs(x - y) < 1e-7) }
        // The exact predictor knows where 0 is, so the same shift changes its prediction.
        let exact = GibbsGroundTruth(kernel: .asReleased)
        let ea = exact.predict(xc: t.xc, yc: t.yc, xt: t.xt).mixtureMean
        let eb = exact.predict(xc: t.xc.map { $0 + 3.7 }, yc: t.yc, xt: t.xt.map { $0 + 3.7 }).mixtureMean
        #expect(zip(ea, eb).map { abs($0 - $1) }.max()! > 1e-3)
    }

    @Test func offsetPriorIsTheTrapezoidOfTheTwoUniforms() {
        let p = GibbsEquivariantBayes(kernel: .paper)
        // [a, b] = [−1, 1] with w = 7: flat 2 on |o| ≤ 6, falling to 0 at |o| = 8.
        #expect(p.offsetPrior(0, a: -1, b: 1) == 2)
        #expect(p.offsetPrior(6, a: -1, b: 1) == 2)
        #expect(abs(p.offsetPrior(7, a: -1, b: 1) - 1) < 1e-12)
        #expect(p.offsetPrior(8.5, a: -1, b: 1) == 0)
    }

    @Test func neverBetterThanTheExactPredictorOnAverageAndEqualFarFromTheChangePoint() {
        var rng = RandomGenerator(seed: 5)
        let exact = GibbsGroundTruth(kernel: .asReleased), ceiling = GibbsEquivariantBayes(kernel: .asReleased, spacing: 0.2)
        var gaps: [Double] = []
        for _ in 0..<24 {
            let t = sampler.sampleTask(contextCount: rng.integer(in: 8...40), using: &rng)
            gaps.append(exact.averageLogLikelihood(t) - ceiling.averageLogLikelihood(t))
        }
        let mean = gaps.reduce(0, +) / Double(gaps.count)
        #expect(mean > 0, "knowing the change point cannot hurt on average (gap \(mean))")
        #expect(mean < 0.5, "the gap is a few hundredths to tenths of a nat, not more (gap \(mean))")
        // Far from 0 (centre 6, targets on [3, 9], context on [4, 8]) with many points both see one stationary GP:
        // the change point's position barely matters.
        var far = GibbsGPConfig.inDistribution(kernel: .asReleased)
        far.centreRange = 6...6
        let t = GibbsGPSampler(far).sampleTask(contextCount: 48, using: &rng)
        #expect(abs(exact.averageLogLikelihood(t) - ceiling.averageLogLikelihood(t)) < 0.05)
    }
}

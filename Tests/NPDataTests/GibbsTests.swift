import Foundation
import NPData
import NPTensor
import Testing

@Suite struct GibbsKernelTests {
    @Test func paperKernelIsAnRBFWithinOneRegion() {
        for beta in [false, true] {
            let (x, y) = (1.3, 1.1)   // both right of 0
            let l = GibbsKernel.lengthscale(x, orientation: beta)
            #expect(abs(GibbsKernel.paper(x, y, orientation: beta) - exp(-(x - y) * (x - y) / (2 * l * l))) < 1e-15)
        }
        #expect(GibbsKernel.lengthscale(-1, orientation: true) == 0.1 && GibbsKernel.lengthscale(1, orientation: true) == 4)
        #expect(GibbsKernel.lengthscale(-1, orientation: false) == 4 && GibbsKernel.lengthscale(0, orientation: false) == 0.1)
    }

    @Test func paperKernelAcrossTheChangePoint() {
        // ℓ = 0.1 at −0.05 and 4 at 0.05: prefactor √(2·0.4/16.01), exponent −0.01/16.01.
        let k = GibbsKernel.paper(-0.05, 0.05, orientation: true)
        #expect(abs(k - (0.8 / 16.01).squareRoot() * exp(-0.01 / 16.01)) < 1e-15)
    }

    @Test func releasedKernelWarpsInputs() {
        let k = GibbsKernel.asReleased(-0.05, 0.05, orientation: true)
        let d = -0.05 / 0.1 - 0.05 / 4
        #expect(abs(k - exp(-d * d / 4)) < 1e-15)
        #expect(GibbsKernel.asReleased(2, 2, orientation: false) == 1)
    }

    @Test(arguments: GibbsKernel.allCases)
    func covarianceIsPositiveDefinite(_ kernel: GibbsKernel) throws {
        var rng = RandomGenerator(seed: 1)
        let x = (0..<150).map { _ in rng.uniform(-10, 10) }
        for beta in [false, true] {
            var k = kernel.matrix(x, x, orientation: beta)
            for i in 0..<x.count { k[i * x.count + i] += 1e-9 + 0.04 }
            _ = try SPD.cholesky(k, n: x.count)
        }
    }
}

@Suite struct CholeskyTests {
    @Test func factorReconstructsTheMatrixAndSolves() throws {
        let a: [Double] = [4, 2, 0.4, 2, 5, 1, 0.4, 1, 3]
        let l = try SPD.cholesky(a, n: 3)
        for i in 0..<3 { for j in 0..<3 {
            let s = (0..<3).reduce(0.0) { $0 + l[i * 3 + $1] * l[j * 3 + $1] }
            #expect(abs(s - a[i * 3 + j]) < 1e-12)
        } }
        let b: [Double] = [1, -2, 0.5]
        let x = SPD.solveUpperTransposed(l, n: 3, SPD.solveLower(l, n: 3, b))
        for i in 0..<3 { #expect(abs((0..<3).reduce(0.0) { $0 + a[i * 3 + $1] * x[$1] } - b[i]) < 1e-12) }
        // Diagonal case of the log density.
        let d = try SPD.cholesky([4, 0, 0, 9], n: 2)
        let expected = -0.5 * (1.0 / 4 + 4.0 / 9) - log(6.0) - log(2 * Double.pi)
        #expect(abs(SPD.gaussianLogDensity([1, 2], cholesky: d, n: 2) - expected) < 1e-12)
        #expect(throws: SPD.NotPositiveDefinite.self) { try SPD.cholesky([1, 2, 2, 1], n: 2) }
    }
}

@Suite struct GibbsSamplerTests {
    @Test func sameSeedSameTasksAndRangesAsSpecified() {
        let sampler = GibbsGPSampler(.outOfDistribution())
        var a = RandomGenerator(seed: 5), b = RandomGenerator(seed: 5)
        let (ba, ta) = sampler.sampleBatch(tasks: 4, using: &a)
        let (bb, _) = sampler.sampleBatch(tasks: 4, using: &b)
        #expect(ba == bb)
        #expect(ba.targetCount == 128 && (1...64).contains(ba.contextCount) && ba.xc.shape == [4, ba.contextCount, 1])
        for t in ta {
            #expect((13...27).contains(t.centre))
            #expect(t.xc.allSatisfy { abs($0 - t.centre) <= 2 } && t.xt.allSatisfy { abs($0 - t.centre) <= 3 })
        }
    }

    /// Var(y) = k(x, x) + σ² = 1.04 for both kernels.
    @Test(arguments: GibbsKernel.allCases)
    func marginalVarianceMatches(_ kernel: GibbsKernel) {
        let sampler = GibbsGPSampler(.inDistribution(kernel: kernel))
        var rng = RandomGenerator(seed: 6)
        var s2 = 0.0, n = 0.0
        for _ in 0..<400 {
            let t = sampler.sampleTask(contextCount: 8, using: &rng)
            for y in t.yc + t.yt { s2 += y * y; n += 1 }
        }
        #expect(abs(s2 / n - 1.04) < 0.06, "mean y² = \(s2 / n)")
    }
}

@Suite struct GroundTruthTests {
    /// The mixture predictive of one target equals p(y_t, y_c) / p(y_c) computed from joint densities.
    @Test(arguments: GibbsKernel.allCases)
    func predictiveEqualsRatioOfJointDensities(_ kernel: GibbsKernel) throws {
        var rng = RandomGenerator(seed: 7)
        let task = GibbsGPSampler(.inDistribution(kernel: kernel)).sampleTask(contextCount: 6, using: &rng)
        let gt = GibbsGroundTruth(kernel: kernel)
        func logMixture(_ x: [Double], _ y: [Double]) throws -> Double {
            let logs = try [false, true].map { beta -> Double in
                var k = kernel.matrix(x, x, orientation: beta)
                for i in 0..<x.count { k[i * x.count + i] += 0.04 + 1e-9 }
                return log(0.5) + SPD.gaussianLogDensity(y, cholesky: try SPD.cholesky(k, n: x.count), n: x.count)
            }
            let m = logs.max()!
            return m + log(logs.reduce(0) { $0 + exp($1 - m) })
        }
        for j in 0..<3 {
            let direct = try logMixture(task.xc + [task.xt[j]], task.yc + [task.yt[j]]) - logMixture(task.xc, task.yc)
            let viaPredictive = gt.predict(xc: task.xc, yc: task.yc, xt: [task.xt[j]]).logDensities([task.yt[j]])[0]
            #expect(abs(direct - viaPredictive) < 1e-6)
        }
    }

    @Test func orientationIsIdentifiedFromEnoughData() {
        var rng = RandomGenerator(seed: 8)
        var config = GibbsGPConfig.inDistribution(); config.centreRange = -0.5...0.5
        let sampler = GibbsGPSampler(config)
        var correct = 0
        for _ in 0..<20 {
            let t = sampler.sampleTask(contextCount: 64, using: &rng)
            let w = GibbsGroundTruth(kernel: .paper).predict(xc: t.xc, yc: t.yc, xt: [0]).weightTrue
            if (w > 0.5) == t.orientation { correct += 1 }
        }
        #expect(correct >= 19)
    }
}

@Suite struct LapackCholeskyTests {
    @Test func lapackFactorMatchesTheReferenceLoop() throws {
        var rng = RandomGenerator(seed: 30)
        let x = (0..<120).map { _ in rng.uniform(-5, 5) }
        var k = GibbsKernel.paper.matrix(x, x, orientation: true)
        for i in 0..<x.count { k[i * x.count + i] += 0.04 }
        let fast = try SPD.cholesky(k, n: x.count), slow = try SPD.choleskyReference(k, n: x.count)
        #expect(zip(fast, slow).map { abs($0 - $1) }.max()! < 1e-10)
        #expect(throws: SPD.NotPositiveDefinite.self) { try SPD.choleskyReference([1, 2, 2, 1], n: 2) }
    }
}

import Foundation
@testable import NPAutodiff
import NPTensor
import NPTestSupport
import Testing

/// `Tape.separableRBFWeights` against its reference, the per-dimension composition it replaces, and against finite
/// differences.
@Suite struct SeparableRBFTests {
    /// A grid side (every task the same 6 × 5 lattice, coordinates repeating) and a scattered side (random points,
    /// two of them sharing a coordinate, one far away so that its factors underflow to exactly 0), in `dx` dimensions.
    func sides(dx: Int, tasks m: Int = 3, seed: UInt64) -> (grid: Tensor, points: Tensor) {
        let axes = [6, 5, 3, 2].prefix(dx)
        let g = axes.reduce(1, *)
        var grid = [Float]()
        for _ in 0..<m { for p in 0..<g {
            var rest = p
            var coordinate = [Float](repeating: 0, count: dx)
            for d in stride(from: dx - 1, through: 0, by: -1) { coordinate[d] = Float(rest % axes[d]) * 0.25 - 0.6; rest /= axes[d] }
            grid += coordinate
        } }
        var points = randomTensor([m, 7, dx], seed: seed, low: -1, high: 1).scalars
        for t in 0..<m {
            points[(t * 7 + 1) * dx] = points[(t * 7) * dx]          // a shared coordinate
            points[(t * 7 + 6) * dx + dx - 1] = 40                    // underflow: exponent far below −80
        }
        return (Tensor(shape: [m, g, dx], scalars: grid), Tensor(shape: [m, 7, dx], scalars: points))
    }

    /// Values and the log-lengthscale gradient of both ways, for the same upstream gradient.
    func valuesAndGradient(_ a: Tensor, _ b: Tensor, _ logL: [Float], fused: Bool) -> (values: [Float], gradient: [Float]) {
        let tape = Tape()
        let l = Variable(Tensor(shape: [logL.count], scalars: logL), requiresGrad: true)
        let w = fused ? tape.separableRBFWeights(a, b, logLengthscales: l) : tape.separableRBFWeightsComposed(a, b, logLengthscales: l)
        let upstream = randomTensor(w.shape, seed: 91, low: -1, high: 1)
        tape.backward(from: tape.sumAll(tape.mul(w, tape.constant(upstream))))
        return (w.scalars, l.grad.scalars)
    }

    @Test(arguments: [2, 3, 4])
    func equalBitForBitToTheComposition(dx: Int) {
        let (grid, points) = sides(dx: dx, seed: UInt64(40 + dx))
        let logL = (0..<dx).map { Float($0) * 0.3 - 1.2 }
        for (a, b) in [(grid, points), (points, grid)] {   // encoder (grid, context) and decoder (targets, grid) order
            let fused = valuesAndGradient(a, b, logL, fused: true)
            let composed = valuesAndGradient(a, b, logL, fused: false)
            #expect(fused.values.map(\.bitPattern) == composed.values.map(\.bitPattern))
            #expect(fused.gradient.map(\.bitPattern) == composed.gradient.map(\.bitPattern), "\(fused.gradient) vs \(composed.gradient)")
            #expect(fused.values.contains(0) && fused.values.contains { $0 > 0.1 }, "the test covers underflow and large weights")
        }
    }

    /// At the station SetConv's size (a 48 × 32 grid, 100 points, 4 tasks: over a million products, so the rows
    /// are split over the workers) the values and gradient are still the composition's, bit for bit.
    @Test func equalBitForBitToTheCompositionWhenSplitOverWorkers() {
        var grid = [Float]()
        for _ in 0..<4 { for p in 0..<(48 * 32) { grid += [Float(p / 32) * 0.09 - 2, Float(p % 32) * 0.08 - 1.3] } }
        let a = Tensor(shape: [4, 48 * 32, 2], scalars: grid), b = randomTensor([4, 100, 2], seed: 45, low: -2, high: 2)
        let fused = valuesAndGradient(a, b, [-1.5, -1.7], fused: true)
        let composed = valuesAndGradient(a, b, [-1.5, -1.7], fused: false)
        #expect(fused.values.map(\.bitPattern) == composed.values.map(\.bitPattern))
        #expect(fused.gradient.map(\.bitPattern) == composed.gradient.map(\.bitPattern))
    }

    @Test func gradientMatchesFiniteDifferences() {
        let (grid, points) = sides(dx: 2, seed: 44)
        expectGradientsMatch([Tensor(shape: [2], scalars: [-0.9, -0.4])]) { t, v in
            t.separableRBFWeights(points, grid, logLengthscales: v[0])
        }
    }

    @Test func valuesAreTheProductOfGaussians() {
        let a = Tensor(shape: [1, 1, 2], scalars: [0.5, -1]), b = Tensor(shape: [1, 2, 2], scalars: [0, 0, 0.5, -1])
        let w = Tape(recording: false).separableRBFWeights(a, b, logLengthscales: Variable(Tensor(shape: [2], scalars: [0, Float(Foundation.log(0.5.squareRoot()))])))
        // ℓ = (1, √0.5): exp(−0.25 / 2) · exp(−1 / 1), and 1 at the same point.
        #expect(abs(w.scalars[0] - Float(Foundation.exp(-0.125 - 1.0))) < 1e-6)
        #expect(w.scalars[1] == 1)
    }

    @Test func distinctCoordinatesKeepFirstAppearanceOrder() {
        let x: [Float] = [3, 9, 1, 9, 3, 7, -0.0, 9, 0.0, 7]   // [5 points, 2 dims], flat
        let first = distinctCoordinates(x, first: 0, count: 5, dimension: 0, dimensions: 2)
        #expect(first.values == [3, 1, -0.0, 0.0] && first.values[2].sign == .minus)   // −0 and +0 are told apart
        #expect(first.index == [0, 1, 0, 2, 3])
        let second = distinctCoordinates(x, first: 1, count: 4, dimension: 1, dimensions: 2)
        #expect(second.values == [9, 7] && second.index == [0, 1, 0, 1])
    }
}

import Foundation
import NPAutodiff
import NPModels
import NPNN
import NPTensor
import NPTestSupport
import Testing

@Suite struct GridTests {
    let ppu: [Float] = [4, 4]

    @Test func coversRealPointsOnTheLatticeAndIgnoresPadding() {
        let x = Tensor(shape: [1, 3, 2], scalars: [0.3, -1.1, 2.0, 0.6, 99, 99])
        let mask = Tensor(shape: [1, 3], scalars: [1, 1, 0])
        let g = Grid(covering: [(x, mask)], pointsPerUnit: ppu, margin: 0.1)
        // x from ⌊(0.3 − 0.1)·4⌋ = 0 to ⌈(2.0 + 0.1)·4⌉ = 9; y from ⌊(−1.2)·4⌋ = −5 to ⌈0.7·4⌉ = 3.
        #expect(g.start == [0, -5] && g.shape == [10, 9])
        let p = g.positions(tasks: 2)
        #expect(p.shape == [2, 90, 2])
        // Last dimension fastest: point 1 is (0, −1), point 9 is (0.25, −1.25).
        #expect(Array(p.scalars[2..<4]) == [0, -1] && Array(p.scalars[18..<20]) == [0.25, -1.25])
    }

    @Test func latticeShiftsMoveTheGridByWholePoints() {
        let b = randomBatch(dimension: 2, seed: 3)
        let g = Grid(covering: [(b.xc, nil), (b.xt, nil)], pointsPerUnit: ppu, margin: 0.1)
        let s = b.shifted(by: [1.25, -0.5])   // 5 and −2 lattice steps
        let h = Grid(covering: [(s.xc, nil), (s.xt, nil)], pointsPerUnit: ppu, margin: 0.1)
        #expect(h.shape == g.shape && h.start == [g.start[0] + 5, g.start[1] - 2])
    }

    @Test func paddingToAMultipleAndPoolingToBlockCentres() {
        let x = Tensor(shape: [1, 2, 2], scalars: [0, 0, 1.3, 2.1])
        let g = Grid(covering: [(x, nil)], pointsPerUnit: [4, 4], margin: 0, multipleOf: 8)
        #expect(g.shape.allSatisfy { $0 % 8 == 0 })
        // Still covers the data: first ≤ 0 and last ≥ the maximum, extra split ⌊e/2⌋ before.
        #expect(g.coordinate(0, dimension: 0) <= 0 && g.coordinate(g.shape[0] - 1, dimension: 0) >= 1.3)
        #expect(g.coordinate(0, dimension: 1) <= 0 && g.coordinate(g.shape[1] - 1, dimension: 1) >= 2.1)
        let p = g.pooled(by: 2)
        #expect(p.shape == g.shape.map { $0 / 2 })
        for d in 0..<2 { for j in 0..<p.shape[d] {
            let centre = (g.coordinate(2 * j, dimension: d) + g.coordinate(2 * j + 1, dimension: d)) / 2
            #expect(abs(p.coordinate(j, dimension: d) - centre) < 1e-6)
        } }
    }

    @Test func spatialAndFlatLayoutsRoundTrip() {
        let g = Grid(pointsPerUnit: [1, 1], start: [0, 0], step: [1, 1], shape: [3, 4])
        let tape = Tape(recording: false)
        let z = tape.constant(randomTensor([2, 12, 5], seed: 1))
        let s = g.spatial(tape, z)
        #expect(s.shape == [2, 3, 4, 5])
        #expect(g.flat(tape, s).scalars == z.scalars)
    }

    /// The decoder's 1/ppu^dx normalisation makes it a Riemann sum: a constant field of ones read out at a point
    /// well inside the grid gives ∫ exp(−|x|²/(2ℓ²)) dx = (2πℓ²)^(dx/2) for each lengthscale.
    @Test(arguments: [1, 2])
    func decoderApproximatesTheGaussianIntegral(_ dx: Int) {
        let ppu = [Float](repeating: 8, count: dx)
        let store = ParameterStore()
        let dec = SetConvDecoder(store.root, kernels: 3, pointsPerUnit: ppu, kernelShape: .isotropic)
        let g = Grid(covering: [(Tensor(repeating: -3, shape: [1, 1, dx]), nil), (Tensor(repeating: 3, shape: [1, 1, dx]), nil)],
                     pointsPerUnit: ppu, margin: 0)
        let tape = Tape(recording: false)
        let z = tape.constant(Tensor(repeating: 1, shape: [1, g.count, 1]))
        let f = dec(tape, z, positions: g.positions(tasks: 1), xt: Tensor(repeating: 0.1, shape: [1, 1, dx]))
        for (k, l) in dec.logLengthscales.enumerated() {
            let ell = Double(exp(l.scalars[0]))
            let exact = Foundation.pow(2 * Double.pi * ell * ell, Double(dx) / 2)
            #expect(abs(Double(f.scalars[k]) - exact) / exact < 1e-3, "dx \(dx), ℓ \(ell): \(f.scalars[k]) vs \(exact)")
        }
    }
}

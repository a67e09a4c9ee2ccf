import Foundation
import NPTensor
import Testing

/// `FastExp` against libm's exp (the reference), on a dense grid of its whole range.
@Suite struct FastExpTests {
    @Test func matchesFoundationExpToFourTenthsOfAMillionth() {
        var worst = 0.0, at: Float = 0
        var x: Float = -87
        while x <= 88 {
            let reference = Foundation.exp(Double(x))
            let e = abs(Double(FastExp.exp(x)) - reference) / reference
            if e > worst { worst = e; at = x }
            x += 0.0037
        }
        #expect(worst < 4e-7, "worst relative error \(worst) at x = \(at)")
        #expect(FastExp.exp(0) == 1)
        #expect(FastExp.exp(-1e30) == 0 && FastExp.exp(-87.5) == 0)
        #expect(FastExp.exp(1e30).isFinite)
    }

    @Test func shiftedExpWritesTheValuesAndReturnsTheirSum() {
        var rng = RandomGenerator(seed: 3)
        for n in [1, 3, 4, 17, 64, 100] {
            let x = rng.uniformTensor([n], low: -5, high: 5).scalars
            var y = [Float](repeating: 0, count: n)
            let s = x.withUnsafeBufferPointer { px in y.withUnsafeMutableBufferPointer { py in
                FastExp.shiftedExp(px.baseAddress!, py.baseAddress!, count: n, scale: 0.7, shift: 1.5)
            }}
            let reference = x.map { Foundation.exp(0.7 * (Double($0) - 1.5)) }
            for (a, b) in zip(y, reference) { #expect(abs(Double(a) - b) <= 4e-7 * b) }
            #expect(abs(Double(s) - reference.reduce(0, +)) <= 1e-6 * reference.reduce(0, +))
        }
    }
}

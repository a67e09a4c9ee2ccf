import Foundation
import NPAutodiff
import NPModels
import NPNN
import NPTensor
import NPTestSupport
import Testing

/// The dihedral group convolutions (lifting and regular → regular, D4 and D8) against a direct loop over the
/// group-correlation formula with the group built independently here (D4 from `InputTransform.dihedral4()`, D8
/// from cos/sin), and the gradients of the new ops against finite differences.
@Suite struct GroupConvTests {
    /// Row-major matrices of R^r F^s (element 2r + s), R the rotation by 2π/N.
    static func matrices(_ n: Int) -> [[Double]] {
        if n == 4 { return InputTransform.dihedral4().map(\.matrix) }
        return (0..<n).flatMap { r -> [[Double]] in
            let (c, s) = (cos(2 * Double.pi * Double(r) / Double(n)), sin(2 * Double.pi * Double(r) / Double(n)))
            return [[c, -s, s, c], [-c, -s, -s, c]]
        }
    }
    static func find(_ m: [Double], in group: [[Double]]) -> Int { group.firstIndex { zip($0, m).allSatisfy { abs($0 - $1) < 1e-9 } }! }
    static func times(_ a: [Double], _ b: [Double]) -> [Double] {
        [a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3], a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3]]
    }

    /// ψ at the real offset (u₀, u₁) of a k × k kernel stored at rows `row(tap)`: bilinear between taps, zero off
    /// the kernel's support (the square for D4, the inscribed disk for D8).
    static func sample(_ u0: Double, _ u1: Double, k: Int, disk: Bool, _ value: (Int) -> Double) -> Double {
        let p = k / 2
        let (a, b) = (Int((u0 + 1e-9).rounded(.down)), Int((u1 + 1e-9).rounded(.down)))
        let (fa, fb) = (max(0, u0 - Double(a)), max(0, u1 - Double(b)))
        var s = 0.0
        for (i, j, w) in [(a, b, (1 - fa) * (1 - fb)), (a + 1, b, fa * (1 - fb)), (a, b + 1, (1 - fa) * fb), (a + 1, b + 1, fa * fb)] where w > 1e-12 {
            guard abs(i) <= p && abs(j) <= p && (!disk || i * i + j * j <= p * p) else { continue }
            s += w * value((i + p) * k + (j + p))
        }
        return s
    }

    /// out(x, g, o) = Σ_t Σ_h Σ_i F(x + t, h, i) Ψ(g⁻¹t, g⁻¹h, i, o) (+ bias(o)), lifting without h, in Double.
    static func reference(_ x: Tensor, _ w: Tensor, bias: Tensor, lifting: Bool, kernel k: Int, rotations: Int) -> [Float] {
        let group = matrices(rotations), n = group.count, disk = rotations == 8
        let (m, s0, s1, cx) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let cin = lifting ? cx : cx / n, f = w.shape[2], p = k / 2
        var out = [Float](repeating: 0, count: m * s0 * s1 * n * f)
        for b in 0..<m { for i0 in 0..<s0 { for i1 in 0..<s1 { for g in 0..<n { for o in 0..<f {
            let gi = [group[g][0], group[g][2], group[g][1], group[g][3]]
            var acc = Double(bias.scalars[o])
            for t0 in -p...p { for t1 in -p...p where !disk || t0 * t0 + t1 * t1 <= p * p {
                let (y0, y1) = (i0 + t0, i1 + t1)
                guard y0 >= 0 && y0 < s0 && y1 >= 0 && y1 < s1 else { continue }
                let u = (gi[0] * Double(t0) + gi[1] * Double(t1), gi[2] * Double(t0) + gi[3] * Double(t1))
                for h in 0..<(lifting ? 1 : n) {
                    let hh = lifting ? 0 : find(times(gi, group[h]), in: group)
                    for c in 0..<cin {
                        let xv = Double(x.scalars[((b * s0 + y0) * s1 + y1) * cx + h * cin + c])
                        acc += xv * sample(u.0, u.1, k: k, disk: disk) { tap in
                            Double(w.scalars[((lifting ? tap : tap * n + hh) * cin + c) * f + o])
                        }
                    }
                }
            } }
            out[((b * s0 + i0) * s1 + i1) * n * f + g * f + o] = Float(acc)
        } } } } }
        return out
    }

    @Test(arguments: [(GroupConv.Kind.lifting, 4), (.regular, 4), (.lifting, 8), (.regular, 8)])
    func groupConvolutionMatchesTheFormula(_ kind: GroupConv.Kind, _ rotations: Int) {
        var rng = RandomGenerator(seed: 3)
        let layer = GroupConv(ParameterStore().root, kind: kind, group: DihedralGroup(rotations: rotations), kernel: 5, inputs: 2, outputs: 2, rng: &rng)
        layer.bias.assign(randomTensor([2], seed: 4))
        let x = randomTensor([1, 5, 4, layer.inputChannels], seed: 5)
        let fast = layer(Tape(recording: false), Variable(x)).scalars
        let slow = Self.reference(x, layer.weight.value, bias: layer.bias.value, lifting: kind == .lifting, kernel: 5, rotations: rotations)
        #expect(maxAbsDifference(fast, slow) < 1e-5)
    }

    @Test func dihedralGroupsAreClosedAndListedLikeInputTransforms() {
        #expect(DihedralGroup.d4.matrices == Self.matrices(4))
        for group in [DihedralGroup.d4, .d8] {
            let ms = Self.matrices(group.rotations)
            for i in 0..<group.order {
                #expect(zip(group.matrices[i], ms[i]).allSatisfy { abs($0 - $1) < 1e-12 })
                #expect(group.product(i, group.inverse(i)) == 0)
                for j in 0..<group.order { #expect(group.product(i, j) == Self.find(Self.times(ms[i], ms[j]), in: ms)) }
            }
        }
        #expect((0..<16).filter { DihedralGroup.d8.isLatticeSymmetry($0) } == [0, 1, 4, 5, 8, 9, 12, 13])
    }

    /// Tape.conv's gradients on both 2-D methods (the shape decides which runs).
    @Test func convolutionGradientsOnBothMethods() {
        let small = ConvGeometry(batch: 1, spatial: [3, 3], kernel: [3, 3], cin: 2, cout: 3)
        let wide = ConvGeometry(batch: 1, spatial: [6, 5], kernel: [3, 3], cin: 2, cout: 3)
        #expect(small.prefersIm2Col && !wide.prefersIm2Col)
        for (g, seed) in [(small, UInt64(11)), (wide, 13)] {
            expectGradientsMatch([randomTensor(g.inputShape, seed: seed), randomTensor(g.weightShape, seed: seed + 1)]) { t, v in t.conv(v[0], v[1]) }
        }
    }

    @Test func groupConvolutionGradients() {
        for group in [DihedralGroup.d4, .d8] {
            let n = group.order
            expectGradientsMatch([randomTensor([1, 4, 3, 2], seed: 6), randomTensor([9, 2, 2], seed: 7)]) { t, v in
                t.conv(v[0], GroupConv.expand(t, v[1], kind: .lifting, group: group, kernel: 3))
            }
            expectGradientsMatch([randomTensor([1, 3, 3, 2 * n], seed: 8), randomTensor([9 * n, 2, 1], seed: 9)]) { t, v in
                t.conv(v[0], GroupConv.expand(t, v[1], kind: .regular, group: group, kernel: 3))
            }
            // Invariant pooling: the mean over the group axis.
            expectGradientsMatch([randomTensor([1, 6, n, 2], seed: 10)]) { t, v in t.mean(v[0], axis: 2) }
        }
        expectGradientsMatch([randomTensor([4, 2, 3], seed: 12)]) { t, v in
            t.combineRows(v[0], terms: [[(2, 0.5), (0, -1.5)], [], [(3, 1), (3, 0.25)]])
        }
    }
}

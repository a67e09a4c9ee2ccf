import NPAutodiff
import NPModels
import NPNN
import NPTensor
import NPTestSupport
import Testing

/// The D4 group convolution (lifting and regular → regular) against a direct loop over the group-correlation
/// formula, with the group taken from `InputTransform.dihedral4()` (an independent construction of D4), and its
/// gradients against finite differences.
@Suite struct GroupConvTests {
    static let group = InputTransform.dihedral4().map { $0.matrix.map { Int($0.rounded()) } }

    static func inverse(_ g: Int) -> [Int] { let m = group[g]; return [m[0], m[2], m[1], m[3]] }
    static func times(_ a: [Int], _ b: [Int]) -> [Int] {
        [a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3], a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3]]
    }

    /// out(x, g, o) = Σ_t Σ_h Σ_i F(x + t, h, i) Ψ(g⁻¹t, g⁻¹h, i, o) (+ bias(o)), lifting without h, in Double.
    static func reference(_ x: Tensor, _ w: Tensor, bias: Tensor, lifting: Bool, kernel k: Int) -> [Float] {
        let (m, s0, s1, cx) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let n = group.count, cin = lifting ? cx : cx / n, f = w.shape[2], p = k / 2
        var out = [Float](repeating: 0, count: m * s0 * s1 * n * f)
        for b in 0..<m { for i0 in 0..<s0 { for i1 in 0..<s1 { for g in 0..<n { for o in 0..<f {
            let gi = inverse(g)
            var acc = Double(bias.scalars[o])
            for t0 in -p...p { for t1 in -p...p {
                let (y0, y1) = (i0 + t0, i1 + t1)
                guard y0 >= 0 && y0 < s0 && y1 >= 0 && y1 < s1 else { continue }
                let u = (gi[0] * t0 + gi[1] * t1, gi[2] * t0 + gi[3] * t1)
                let tap = (u.0 + p) * k + (u.1 + p)
                for h in 0..<(lifting ? 1 : n) {
                    let row = lifting ? tap : tap * n + group.firstIndex(of: times(gi, group[h]))!
                    for c in 0..<cin {
                        let xv = x.scalars[((b * s0 + y0) * s1 + y1) * cx + h * cin + c]
                        acc += Double(xv) * Double(w.scalars[(row * cin + c) * f + o])
                    }
                }
            } }
            out[((b * s0 + i0) * s1 + i1) * n * f + g * f + o] = Float(acc)
        } } } } }
        return out
    }

    @Test(arguments: [GroupConv.Kind.lifting, .regular])
    func groupConvolutionMatchesTheFormula(_ kind: GroupConv.Kind) {
        var rng = RandomGenerator(seed: 3)
        let store = ParameterStore()
        let layer = GroupConv(store.root, kind: kind, kernel: 3, inputs: 2, outputs: 3, rng: &rng)
        layer.bias.assign(randomTensor([3], seed: 4))
        let x = randomTensor([2, 5, 4, layer.inputChannels], seed: 5)
        let fast = layer(Tape(recording: false), Variable(x)).scalars
        let slow = Self.reference(x, layer.weight.value, bias: layer.bias.value, lifting: kind == .lifting, kernel: 3)
        #expect(maxAbsDifference(fast, slow) < 1e-5)
    }

    @Test func squareSymmetriesAreTheGroupOfInputTransforms() {
        #expect(SquareSymmetries.matrices == Self.group)
        for i in 0..<8 { for j in 0..<8 {
            #expect(SquareSymmetries.matrices[SquareSymmetries.product(i, j)] == Self.times(Self.group[i], Self.group[j]))
        } }
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
        let n = SquareSymmetries.order
        expectGradientsMatch([randomTensor([1, 4, 3, 2], seed: 6), randomTensor([9, 2, 2], seed: 7)]) { t, v in
            t.conv(v[0], GroupConv.expand(t, v[1], kind: .lifting, kernel: 3))
        }
        expectGradientsMatch([randomTensor([1, 3, 3, 2 * n], seed: 8), randomTensor([9 * n, 2, 1], seed: 9)]) { t, v in
            t.conv(v[0], GroupConv.expand(t, v[1], kind: .regular, kernel: 3))
        }
        // Invariant pooling: the mean over the group axis.
        expectGradientsMatch([randomTensor([1, 6, n, 2], seed: 10)]) { t, v in t.mean(v[0], axis: 2) }
    }
}

import NPAutodiff
import NPNN
import NPTensor
import NPTestSupport
import Testing

@Suite struct LayerTests {
    @Test func parametersAreNamedAndCounted() {
        var rng = RandomGenerator(seed: 1)
        let store = ParameterStore()
        _ = MLP(store.root.child("enc"), widths: [2, 4, 3], rng: &rng)
        #expect(store.names == ["enc.0.weight", "enc.0.bias", "enc.1.weight", "enc.1.bias"])
        #expect(store.scalarCount == 2 * 4 + 4 + 4 * 3 + 3)
        #expect(store["enc.1.weight"]!.shape == [3, 4])
    }

    @Test func initialisersHaveTheirStatedSpread() {
        var rng = RandomGenerator(seed: 2)
        let u = Initialiser.kaimingUniformReLU.sample([256, 64], fanIn: 64, fanOut: 256, using: &rng).scalars
        let bound = Float((6.0 / 64).squareRoot())
        #expect(u.allSatisfy { abs($0) <= bound } && u.contains { abs($0) > 0.9 * bound })
        let n = Initialiser.kaimingNormalFanOut.sample([21, 64, 64], fanIn: 64 * 21, fanOut: 64 * 21, using: &rng).scalars
        let sd = (n.map { Double($0 * $0) }.reduce(0, +) / Double(n.count)).squareRoot()
        #expect(abs(sd - (2.0 / (64 * 21)).squareRoot()) < 0.01 * sd + 1e-4)
    }

    @Test func linearMatchesExplicitProduct() {
        var rng = RandomGenerator(seed: 3)
        let store = ParameterStore()
        let lin = Linear(store.root, inputs: 3, outputs: 2, biasInitialiser: .pytorchDefault, rng: &rng)
        let x = randomTensor([4, 3], seed: 4)
        let y = lin(Tape(recording: false), Variable(x)).scalars
        let w = lin.weight.scalars, b = lin.bias!.scalars
        for i in 0..<4 { for o in 0..<2 {
            let e = (0..<3).reduce(b[o]) { $0 + x.scalars[i * 3 + $1] * w[o * 3 + $1] }
            #expect(abs(y[i * 2 + o] - e) < 1e-6)
        } }
    }

    @Test func convLayerGradientsCheck() {
        var rng = RandomGenerator(seed: 5)
        let store = ParameterStore()
        let conv = Conv(store.root, kernel: [3], inputs: 2, outputs: 3, rng: &rng)
        expectGradientsMatch([randomTensor([2, 6, 2], seed: 6), conv.weight.value, conv.bias!.value]) { t, v in
            t.add(t.conv(v[0], v[1]), v[2])
        }
    }
}

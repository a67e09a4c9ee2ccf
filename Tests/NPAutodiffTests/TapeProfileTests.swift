import NPAutodiff
import NPTensor
import Testing

/// A profiled tape records every op once per call, by the recording method's name, with its forward and backward
/// time, and computes exactly what an unprofiled tape computes.
@Suite struct TapeProfileTests {
    @Test func profiledTapeCountsOpsAndChangesNothing() {
        var rng = RandomGenerator(seed: 1)
        let x = rng.normalTensor([4, 3]), w = rng.normalTensor([5, 3])
        func run(_ profile: TapeProfile?) -> (loss: Float, grad: [Float]) {
            let tape = Tape()
            tape.profile = profile
            profile?.mark()
            let weight = Variable(w, requiresGrad: true)
            let y = tape.dense(tape.constant(x), weight: weight, bias: nil, relu: true)
            let loss = tape.sumAll(tape.mul(y, y))
            tape.backward(from: loss)
            return (loss.scalars[0], weight.gradStorage)
        }
        let profile = TapeProfile()
        let plain = run(nil), profiled = run(profile)
        #expect(plain.loss == profiled.loss && plain.grad == profiled.grad)
        let ops = Dictionary(uniqueKeysWithValues: profile.sorted.map { ($0.op, $0.entry) })
        #expect(ops.keys.contains { $0.hasPrefix("dense(") } && ops.keys.contains { $0.hasPrefix("sumAll(") })
        #expect(ops.values.allSatisfy { $0.calls >= 1 && $0.forward >= 0 && $0.backward >= 0 })
        #expect(ops.values.map(\.calls).reduce(0, +) == 3)   // dense, mul, sumAll
    }
}

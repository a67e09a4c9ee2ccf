import Foundation
import NPAutodiff
@testable import NPModels
import NPNN
import NPTensor
import NPTestSupport
import Testing

/// The fixed inputs are zeroed outside the domain box and on dropped tasks with one product by the two 0/1 masks'
/// product: bit for bit the two products in turn, values and parameter gradients.
@Suite struct FixedInputMaskTests {
    func fixedInputs(scope: ParameterStore) -> FixedInputs {
        var rng = RandomGenerator(seed: 9)
        let config = FixedInputsConfig(count: 4, hiddenWidth: 16, domain: DomainBox(lower: [-1, -1], upper: [1, 1]), dropoutProbability: 0.5)
        return FixedInputs(scope.root.child("fixed"), config: config, inputDimension: 2, outputChannels: 6, rng: &rng)
    }

    /// Values and every parameter gradient (as bit patterns), by the component or by the two products in turn.
    func run(onePass: Bool) -> [[UInt32]] {
        let store = ParameterStore()
        let f = fixedInputs(scope: store)
        let x = randomTensor([3, 50, 2], seed: 10, low: -1.5, high: 1.5)   // some positions outside the box
        let sw = FixedInputSwitch.perTask(keep: [true, false, true])
        let tape = Tape()
        let t: Variable
        if onePass {
            t = f(tape, positions: x, switch: sw)
        } else {
            var u = f.mlp(tape, tape.constant(f.config.features.features(f.seenCoordinates(x))))
            if let projection = f.projection { u = projection(tape, u) }
            u = tape.mul(u, tape.constant(f.domainMask(x)))
            t = tape.mul(u, tape.constant(sw.keepMask(tasks: 3)))
        }
        tape.backward(from: tape.sumAll(tape.mul(t, tape.constant(randomTensor(t.shape, seed: 11)))))
        return [t.scalars.map(\.bitPattern)] + store.parameters.map { $0.grad.scalars.map(\.bitPattern) }
    }

    @Test func oneProductIsTheTwoInTurnBitForBit() {
        let (one, two) = (run(onePass: true), run(onePass: false))
        #expect(one == two)
        let values = one[0].map { Float(bitPattern: $0) }
        #expect(values.contains(0) && values.contains { $0 != 0 }, "the test covers zeroed and kept fixed inputs")
    }
}

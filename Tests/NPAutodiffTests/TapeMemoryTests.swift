import NPAutodiff
import NPTensor
import Testing

/// `backward` releases the gradients of intermediate results once they are passed on; leaves keep theirs, and the
/// values of every result (the loss included) stay readable.
@Suite struct TapeMemoryTests {
    @Test func intermediateGradientsAreReleasedAndLeavesKeepTheirs() {
        let tape = Tape()
        let x = Variable(Tensor(shape: [3], scalars: [1, -2, 3]), requiresGrad: true)
        let h = tape.mul(x, x)            // used twice: both contributions must arrive before release
        let loss = tape.sumAll(tape.add(h, tape.affine(h, scale: 2)))
        tape.backward(from: loss)
        #expect(x.grad.scalars == [6, -12, 18])   // d/dx 3x² = 6x
        #expect(!h.hasGrad && !loss.hasGrad)
        #expect(loss.scalars == [42] && h.scalars == [1, 4, 9])
    }
}

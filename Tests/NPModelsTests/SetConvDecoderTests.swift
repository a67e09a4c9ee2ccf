import NPAutodiff
import NPModels
import NPNN
import NPTensor
import NPTestSupport
import Testing

/// The SetConv decoder computes the squared distances between targets and grid once and shares them among its
/// kernels where every kernel has one lengthscale (1-D inputs, isotropic kernels). Sharing must not change a bit:
/// the decoder's output and its lengthscale and grid-value gradients equal, exactly, those of one Gaussian per
/// kernel composed from the public ops with the initial normalisation 1 / ∏ ppu.
@Suite struct SetConvDecoderTests {
    @Test(arguments: [(1, KernelShape.perDimension), (2, KernelShape.isotropic)])
    func sharedDistancesChangeNothing(_ dx: Int, _ shape: KernelShape) {
        let (m, grid, targets, channels, kernels) = (2, 9, 5, 3, 4)
        var rng = RandomGenerator(seed: 90)
        let positions = rng.uniformTensor([m, grid, dx], low: -2, high: 2), xt = rng.uniformTensor([m, targets, dx], low: -2, high: 2)
        let zValue = rng.uniformTensor([m, grid, channels], low: -1, high: 1)
        let ppu = [Float](repeating: 4, count: dx)
        let decoder = SetConvDecoder(ParameterStore().root, kernels: kernels, pointsPerUnit: ppu, kernelShape: shape)
        let upstream = rng.uniformTensor([m, targets, kernels * channels], low: -1, high: 1)
        func run(_ body: (Tape, Variable) -> Variable) -> (out: [Float], grads: [[Float]]) {
            decoder.logLengthscales.forEach { $0.zeroGrad() }
            let tape = Tape()
            let z = Variable(zValue, requiresGrad: true)
            let out = body(tape, z)
            tape.backward(from: tape.sumAll(tape.mul(out, tape.constant(upstream))))
            return (out.scalars, [z.grad.scalars] + decoder.logLengthscales.map(\.grad.scalars))
        }
        let shared = run { tape, z in decoder(tape, z, positions: positions, xt: xt) }
        let separate = run { tape, z in
            let parts = decoder.logLengthscales.map { l in
                tape.matmul(tape.rbfWeights(tape.pairwiseSquaredDistances(tape.constant(xt), tape.constant(positions)), logLengthscale: l), z)
            }
            return tape.affine(tape.concat(parts, axis: -1), scale: 1 / ppu.reduce(1, *))
        }
        #expect(shared.out == separate.out)
        #expect(shared.grads == separate.grads)
    }
}

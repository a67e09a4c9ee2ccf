import Foundation
import NPModels
import NPTensor
import NPTestSupport
import NPTraining
import Testing

/// The trainer's tapes use the convolution setting it is given (`Trainer.convolutions`).
struct TrainerConvolutionTests {
    /// A U-Net ConvCNP with 5 × 5 kernels on 8 × 8 patches (grids 8 × 8 and 4 × 4: the frequency-domain path's
    /// shapes) trained a few steps under `.fft` ends near (relative distance below 10⁻³), not bitwise at, the weights `.direct` gives, and each
    /// setting repeats itself exactly.
    @Test func theTrainerUsesItsSetting() throws {
        let lattice = PixelLattice.standardisedFrame(size: [32, 32])
        let sizes = GridCNNPreset(name: "test-k5", unet: .init(channels: 4, levels: 1, kernel: 5, maxChannels: 8),
                                  groupCNN: GridCNNPreset.ci.groupCNN, pointsPerUnit: 4)
        let spec = ModelSpec.grid2D(.convCNPT, sizes: sizes, lattice: lattice, domain: DomainBox(lower: [-2, -2], upper: [2, 2]))
        func train(_ c: ConvolutionAlgorithms) throws -> [Float] {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("conv-trainer-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: dir) }
            var rng = RandomGenerator(seed: 3)
            let model = spec.build(rng: &rng)
            let trainer = Trainer(model: model, schedule: TrainingSchedule(steps: 3, checkpointEvery: 3, validateEvery: 3), seed: 3,
                                  directory: dir, validation: []) { rng in
                griddedBatch(lattice: lattice, frame: 32, patch: 8, contextCounts: [5, 12], targetCounts: [10, 6],
                             seed: UInt64(rng.integer(in: 0...1_000_000)))
            }
            trainer.convolutions = c
            try trainer.run()
            return model.parameters.parameters.flatMap(\.scalars)
        }
        let (f1, f2, d) = (try train(.fft), try train(.fft), try train(.direct))
        #expect(f1 == f2, "the same setting gives the same weights")
        #expect(f1 != d, "the setting reaches the convolutions")
        // Adam moves a weight by about the learning rate whatever its gradient's size, so a gradient element at the
        // level of rounding can move differently; the weights as a whole stay together.
        let distance = zip(f1, d).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }.squareRoot()
        let norm = d.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        #expect(distance / norm < 1e-3, "relative distance \(distance / norm)")
    }
}

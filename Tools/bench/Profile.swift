import Dispatch
import Foundation
import NPAutodiff
import NPModels
import NPNN
import NPTensor

/// Where a training step's time goes, op by op, for the CNN workloads the experiments train: the smoke U-Net
/// ConvCNP (T) and D8 group-CNN EquivCNP (E) on 32 × 32 patches (`GridCNNPreset.quickSmoke`; `unet-quick`: the
/// `GridCNNPreset.quick` U-Net, channels up to 256, that the twin bench's `grid2d` section times; `relaxed-quick`: its
/// RelaxedConvCNP (T̃)), the station SetConv ConvCNP (T) (the environmental quick grid), the 1-D ConvCNP (T)
/// (`ModelPreset.quick`) and the smoke PT-TNP (T) (`smoke-pt-tnp-t`). Each: 1 warm-up step,
/// then `steps` profiled steps (forward, loss, backward, norm clipping, AdamW), each op's forward and backward time
/// per step and its share of the step; outside the ops, the gradient-norm clipping and the AdamW update are timed
/// apart, and the rest is the loss's bookkeeping. Under `AENP_CONVOLUTION=fft` a last line splits the FFT
/// convolutions' time into their phases (`FFTConvolutionProfile`). An op's forward time includes the non-op work just
/// before it (`TapeProfile`).
///
///   swift run -c release npbench profile [smoke-unet] [unet-quick] [relaxed-quick] [smoke-group] [stations] [1d]
///                                        [smoke-pt-tnp-t] [steps=N]
func profileTrainingSteps(_ args: [String]) {
    let steps = args.compactMap { $0.hasPrefix("steps=") ? Int($0.dropFirst(6)) : nil }.first ?? 5
    let lattice = PixelLattice.standardisedFrame(size: [128, 128])
    let box2D = DomainBox(lower: [-5, -5], upper: [5, 5])
    var stationSizes = GridCNNPreset.quick
    stationSizes.unet = .init(channels: 16, levels: 3, kernel: 5); stationSizes.pointsPerUnit = 4
    /// A 2-D CNN on the smoke frame's pixel lattice, as the smoke experiment builds it (σ head, calibrated start).
    func onGrid(_ kind: ModelKind, _ sizes: GridCNNPreset) -> ModelSpec {
        var s = ModelSpec.grid2D(kind, sizes: sizes, lattice: lattice, domain: box2D, standardDeviationHead: true)
        s.initialisation = .calibrated
        return s
    }
    let workloads: [(name: String, spec: ModelSpec, batch: (inout RandomGenerator) -> TaskBatch)] = [
        ("smoke-unet", onGrid(.convCNPT, .quickSmoke), { patchBatch(lattice, using: &$0) }),
        ("unet-quick", onGrid(.convCNPT, .quick), { patchBatch(lattice, using: &$0) }),
        ("relaxed-quick", onGrid(.relaxedConvCNP, .quick), { patchBatch(lattice, using: &$0) }),
        ("smoke-group", onGrid(.equivCNPE, .quickSmoke), { patchBatch(lattice, using: &$0) }),
        ("stations", { var s = ModelSpec.grid2D(.convCNPT, sizes: stationSizes, lattice: nil, domain: box2D); s.initialisation = .calibrated; return s }(),
         { stationBatch(using: &$0) }),
        ("1d", .gibbs1D(.convCNPT, preset: .quick), { GibbsBenchTasks.batch(using: &$0) }),
        // The smoke experiment's PT-TNP (T) (quick transformer, 64 pseudo-tokens) on 8 padded 32 × 32 patches, 256
        // training targets each, as its standard runs train.
        ("smoke-pt-tnp-t", .attention(.ptTNPT, sizes: ModelPreset.quick.tnp, inputDimension: 2, domain: box2D, pseudoTokens: 64,
                                      head: HeadSpec(parameterisation: .standardDeviationSoftplus, floor: 0.01), initialisation: .calibrated),
         { patchBatch(lattice, tasks: 8, targets: 256, using: &$0) }),
    ]
    let chosen = workloads.filter { args.contains($0.name) }
    print("## Training-step profile by op (\(steps) steps after 1 warm-up; \(workerCount) thread(s))\n")
    for w in chosen.isEmpty ? workloads : chosen {
        var rng = RandomGenerator(seed: 11)
        let model = w.spec.build(rng: &rng)
        let opt = AdamW(model.parameters, .init(learningRate: 5e-4))
        let batches = (0...steps).map { _ in w.batch(&rng) }
        let profile = TapeProfile()
        var stepSeconds = 0.0, clippingSeconds = 0.0, updateSeconds = 0.0
        for (i, batch) in batches.enumerated() {
            let tape = Tape()
            let p = TapeProfile()
            if i > 0 { tape.profile = p }
            if i == 1 { FFTConvolutionProfile.reset(); FFTConvolutionProfile.enabled = true }
            let t0 = DispatchTime.now().uptimeNanoseconds
            p.mark()
            let loss = model.loss(tape, batch, fixedInputs: model.trainingSwitch(tasks: batch.taskCount, using: &rng))
            tape.backward(from: loss)
            let t1 = DispatchTime.now().uptimeNanoseconds
            GradientClipping.norm(0.5).apply(to: model.parameters)
            let t2 = DispatchTime.now().uptimeNanoseconds
            opt.update()
            let t3 = DispatchTime.now().uptimeNanoseconds
            if i > 0 {
                stepSeconds += Double(t3 - t0) / 1e9; profile.merge(p)
                clippingSeconds += Double(t2 - t1) / 1e9; updateSeconds += Double(t3 - t2) / 1e9
            }
        }
        let perStep = stepSeconds / Double(steps)
        print("### \(w.name): \(w.spec.kind.displayName), \(model.parameters.scalarCount) parameters, \(f(perStep * 1e3, 1)) ms per step\n")
        row(["op", "calls / step", "forward ms", "backward ms", "share of step"]); row(["---", "---", "---", "---", "---"])
        var covered = 0.0
        for (op, e) in profile.sorted {
            covered += e.total
            let n = Double(steps)
            row([op, f(Double(e.calls) / n, 0), f(e.forward / n * 1e3, 2), f(e.backward / n * 1e3, 2), f(100 * e.total / stepSeconds, 1) + " %"])
        }
        let n = Double(steps)
        row(["gradient-norm clipping (outside ops)", "1", "–", f(clippingSeconds / n * 1e3, 2), f(100 * clippingSeconds / stepSeconds, 1) + " %"])
        row(["AdamW update (outside ops)", "1", "–", f(updateSeconds / n * 1e3, 2), f(100 * updateSeconds / stepSeconds, 1) + " %"])
        let rest = stepSeconds - covered - clippingSeconds - updateSeconds
        row(["rest outside ops (loss bookkeeping)", "–", "–", "–", f(100 * max(0, rest / stepSeconds), 1) + " %"])
        FFTConvolutionProfile.enabled = false
        let phases = FFTConvolutionProfile.seconds.filter { $0.value > 0 }.sorted { $0.value > $1.value }
        if !phases.isEmpty {
            print("\nFFT convolution phases (ms per step, inside the convolution ops above): "
                  + phases.map { "\($0.key) \(f($0.value / Double(steps) * 1e3, 2))" }.joined(separator: ", "))
        }
        print()
    }
}

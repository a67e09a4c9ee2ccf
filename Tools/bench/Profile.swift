import Dispatch
import Foundation
import NPAutodiff
import NPModels
import NPNN
import NPTensor

/// Where a training step's time goes, op by op, for the CNN workloads the experiments train: the smoke U-Net
/// ConvCNP (T) and D8 group-CNN EquivCNP (E) on 32 × 32 patches (`GridCNNPreset.quickSmoke`), the station SetConv
/// ConvCNP (T) (the environmental quick grid), and the 1-D ConvCNP (T) (`ModelPreset.quick`). Each: 1 warm-up step,
/// then `steps` profiled steps (forward, loss, backward, norm clipping, AdamW), each op's forward and backward time
/// per step and its share of the step; "outside ops" is the step minus every op (clipping, AdamW, the loss's
/// bookkeeping). An op's forward time includes the non-op work just before it (`TapeProfile`).
///
///   swift run -c release npbench profile [smoke-unet] [smoke-group] [stations] [1d] [steps=N]
func profileTrainingSteps(_ args: [String]) {
    let steps = args.compactMap { $0.hasPrefix("steps=") ? Int($0.dropFirst(6)) : nil }.first ?? 5
    let lattice = PixelLattice.standardisedFrame(size: [128, 128])
    let box2D = DomainBox(lower: [-5, -5], upper: [5, 5])
    var stationSizes = GridCNNPreset.quick
    stationSizes.unet = .init(channels: 16, levels: 3, kernel: 5); stationSizes.pointsPerUnit = 4
    let workloads: [(name: String, spec: ModelSpec, batch: (inout RandomGenerator) -> TaskBatch)] = [
        ("smoke-unet", { var s = ModelSpec.grid2D(.convCNPT, sizes: .quickSmoke, lattice: lattice, domain: box2D, standardDeviationHead: true)
                         s.initialisation = .calibrated; return s }(), { patchBatch(lattice, using: &$0) }),
        ("smoke-group", { var s = ModelSpec.grid2D(.equivCNPE, sizes: .quickSmoke, lattice: lattice, domain: box2D, standardDeviationHead: true)
                          s.initialisation = .calibrated; return s }(), { patchBatch(lattice, using: &$0) }),
        ("stations", { var s = ModelSpec.grid2D(.convCNPT, sizes: stationSizes, lattice: nil, domain: box2D); s.initialisation = .calibrated; return s }(),
         { stationBatch(using: &$0) }),
        ("1d", .gibbs1D(.convCNPT, preset: .quick), { GibbsBenchTasks.batch(using: &$0) }),
    ]
    let chosen = workloads.filter { args.contains($0.name) }
    print("## Training-step profile by op (\(steps) steps after 1 warm-up; \(workerCount) thread(s))\n")
    for w in chosen.isEmpty ? workloads : chosen {
        var rng = RandomGenerator(seed: 11)
        let model = w.spec.build(rng: &rng)
        let opt = AdamW(model.parameters, .init(learningRate: 5e-4))
        let batches = (0...steps).map { _ in w.batch(&rng) }
        let profile = TapeProfile()
        var stepSeconds = 0.0
        for (i, batch) in batches.enumerated() {
            let tape = Tape()
            let p = TapeProfile()
            if i > 0 { tape.profile = p }
            let t0 = DispatchTime.now().uptimeNanoseconds
            p.mark()
            let loss = model.loss(tape, batch, fixedInputs: model.trainingSwitch(tasks: batch.taskCount, using: &rng))
            tape.backward(from: loss)
            GradientClipping.norm(0.5).apply(to: model.parameters)
            opt.update()
            if i > 0 { stepSeconds += Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9; profile.merge(p) }
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
        row(["outside ops (clipping, AdamW, loss bookkeeping)", "–", "–", "–", f(100 * max(0, 1 - covered / stepSeconds), 1) + " %"])
        print()
    }
}

import Foundation
import NPAutodiff
import NPModels
import NPNN
import NPTensor

/// One training step (forward, Gaussian NLL, backward, value clipping, AdamW) of the 2-D convolutional models:
/// on gridded data, a batch of 16 tasks of 32 × 32 patches of the 128 × 128 smoke frame with 10–250 context
/// pixels (the rest targets); on the SetConv path, 16 tasks of 150 station-like points (100 context, 50 targets)
/// in standardised coordinates [−2, 2] × [−1.3, 1.3]. Peak memory is the process's maximum resident set so far,
/// so run one model per process for that column (`npbench grid-models paper convcnp-t`).
///
///   swift run -c release npbench grid-models [quick|paper|ci] [gridded|stations] [d4] [model kinds…]
///
/// `d4` swaps the EquivCNP's D8 for D4 (half the channels per field). Steps above 1 TFLOP are timed once.
func benchmarkGridModelSteps() {
    let presets = GridCNNPreset.all.filter { sections.contains($0.name) }
    let paths = ["gridded", "stations"].filter { sections.contains($0) }
    let chosen = ModelKind.allCases.filter { sections.contains($0.rawValue) }
    let kinds: [ModelKind] = chosen.isEmpty ? [.convCNPT, .convCNPTApprox, .relaxedConvCNP, .equivCNPE, .equivCNPEApprox] : chosen
    print("## 2-D convolutional models: one training step, 16 tasks (median of 3 after 1 warm-up; \(workerCount) thread(s))\n")
    row(["preset", "data", "model", "parameters", "ms / step", "CPU ms / step", "conv GFLOP / step", "conv GFLOP/s", "peak RSS MB"])
    row(["---", "---", "---", "---", "---", "---", "---", "---", "---"])
    let lattice = PixelLattice.standardisedFrame(size: [128, 128])
    for var preset in presets.isEmpty ? [GridCNNPreset.quick] : presets {
        if sections.contains("d4") { preset.groupCNN.rotations = 4; preset.name += " (D4)" }
        for path in paths.isEmpty ? ["gridded"] : paths {
            let gridded = path == "gridded"
            var rng = RandomGenerator(seed: 7)
            let batch = gridded ? patchBatch(lattice, using: &rng) : stationBatch(using: &rng)
            for kind in kinds {
                let spec = ModelSpec.grid2D(kind, sizes: preset, lattice: gridded ? lattice : nil,
                                            domain: DomainBox(lower: [-5, -5], upper: [5, 5]), standardDeviationHead: gridded)
                let model = spec.build(rng: &rng)
                let convCNP = model as! ConvCNP
                let grid = convCNP.encoder.grid(context: batch.context, targets: batch.xt, multipleOf: convCNP.backbone.gridMultiple)
                let flops = 3 * convolutionFLOPs(kind, preset, tasks: 16, points: grid.count)
                let heavy = flops > 1e12   // the paper-size D8 group CNN: one timed step
                let opt = AdamW(model.parameters, .init(learningRate: 5e-4))
                let cpuBefore = processCPUSeconds()
                let times = time(warmup: heavy ? 0 : 1, runs: heavy ? 1 : 3) {
                    let tape = Tape()
                    let loss = model.loss(tape, batch, fixedInputs: model.trainingSwitch(tasks: 16, using: &rng))
                    tape.backward(from: loss)
                    GradientClipping.value(0.5).apply(to: model.parameters)
                    opt.update()
                }
                let cpuMs = (processCPUSeconds() - cpuBefore) / Double(heavy ? 1 : 4) * 1e3   // warm-up included
                let ms = median(times) * 1e3
                row([preset.name, gridded ? "32×32 patches" : "150 stations (grid \(grid.shape))", kind.displayName,
                     "\(model.parameters.scalarCount)", f(ms, 0), f(cpuMs, 0), f(flops / 1e9, 1), f(flops / 1e9 / (ms / 1e3), 1), f(peakResidentMB(), 0)])
            }
        }
    }
    print()
}

/// Multiply-adds × 2 of the backbone's convolutions in one forward pass (the training step is about 3×).
func convolutionFLOPs(_ kind: ModelKind, _ preset: GridCNNPreset, tasks m: Int, points: Int) -> Double {
    if case .convolutional(.symmetric, _) = kind.recipe {
        let c = preset.groupCNN, taps = c.kernel * c.kernel, n = DihedralGroup(rotations: c.rotations).order
        return (0..<c.layers).reduce(0.0) { sum, i in
            let cin = i == 0 ? c.channels : c.fields * n, cout = (i == c.layers - 1 ? c.channels : c.fields) * n
            return sum + 2 * Double(m * points * taps * cin * cout)
        }
    }
    let u = preset.unet, taps = u.kernel * u.kernel
    let levels = (0..<u.levels).map { $0 } + [u.levels] + (0..<u.levels).reversed()
    return zip(u.convolutionChannels, levels).reduce(0.0) { sum, pair in
        sum + 2 * Double(m * (points >> (2 * pair.1)) * taps * pair.0.inputs * pair.0.outputs)
    }
}

/// User + system CPU seconds of the process so far: on a shared machine, CPU time per step is what a 1-thread
/// step costs on an idle core (wall time also counts the time other processes held the core).
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

func peakResidentMB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

/// `count` (16) patches of 32 × 32 pixels at random places of the frame; 10–250 context pixels, the other pixels targets.
/// `targets`: only that many of the non-context pixels as targets (a training subset), all by default.
func patchBatch(_ lattice: PixelLattice, tasks count: Int = 16, targets: Int? = nil, using rng: inout RandomGenerator) -> TaskBatch {
    let tasks = (0..<count).map { _ -> SingleTask in
        let (o0, o1) = (rng.integer(in: 0...96), rng.integer(in: 0...96))
        var pixels = (0..<1024).map { [o0 + $0 / 32, o1 + $0 % 32] }
        for i in stride(from: 1023, to: 0, by: -1) { pixels.swapAt(i, rng.integer(in: 0...i)) }
        let nc = rng.integer(in: 10...250)
        func part(_ p: ArraySlice<[Int]>) -> (Tensor, Tensor) {
            (Tensor(shape: [p.count, 2], scalars: p.flatMap { lattice.position($0) }), Tensor(shape: [p.count, 1], scalars: p.map { _ in Float(rng.uniform()) }))
        }
        let (xc, yc) = part(pixels[0..<nc]), (xt, yt) = part(pixels[nc..<(targets.map { min(1024, nc + $0) } ?? 1024)])
        return SingleTask(xc: xc, yc: yc, xt: xt, yt: yt)
    }
    return TaskBatch(padding: tasks)
}

/// 16 tasks of 100 context and 50 target points uniform on [−2, 2] × [−1.3, 1.3].
func stationBatch(using rng: inout RandomGenerator) -> TaskBatch {
    func points(_ n: Int) -> Tensor {
        Tensor(shape: [16, n, 2], scalars: (0..<(16 * n * 2)).map { Float($0 % 2 == 0 ? rng.uniform(-2, 2) : rng.uniform(-1.3, 1.3)) })
    }
    return TaskBatch(xc: points(100), yc: rng.normalTensor([16, 100, 1]), xt: points(50), yt: rng.normalTensor([16, 50, 1]))
}

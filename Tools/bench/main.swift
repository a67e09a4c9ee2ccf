// npbench: throughput of the numeric core, printed as a table.
//
//   swift run -c release npbench                 # all sections, all worker threads
//   AENP_THREADS=1 swift run -c release npbench  # one thread
//   swift run -c release npbench gemm conv mlp   # chosen sections
//   AENP_THREADS=1 swift run -c release npbench conv2d-fft   # opt-in: FFT convolution prototype vs the direct methods
//   AENP_THREADS=1 swift run -c release npbench conv1d-fft   # opt-in: 1-D FFT convolution vs the shifted GEMM
//   AENP_THREADS=1 swift run -c release npbench fft-digest   # opt-in: bitwise fingerprint of the FFT convolution
//   swift run -c release npbench gaussian-exp   # opt-in: the SetConv's exponentials, Foundation.exp vs FastExp.gaussianWeights (fft2)
//   swift run -c release npbench pair-mlp pt-tnp # opt-in: the pseudo-token TNPs (PseudoTokenBench.swift)
//   swift run -c release npbench profile [smoke-unet unet-quick relaxed-quick smoke-group stations 1d smoke-pt-tnp-t] [steps=N]   # time per op (Profile.swift)
//
// PyTorch reference figures (the `torch` table below) were measured before this package was written, with the
// authors' PyTorch models on another CPU (Docs/peer-bench.md); they are printed beside ours, not re-measured here.
import ExperimentKit
import Foundation
import NPAutodiff
import NPModels
import NPNN
import NPTensor

BLASKernelSelection.reexecIfNeeded()

/// Seconds of each of `runs` timed calls of `body` after `warmup` untimed ones.
func time(warmup: Int, runs: Int, _ body: () -> Void) -> [Double] {
    for _ in 0..<warmup { body() }
    return (0..<runs).map { _ in
        let t0 = DispatchTime.now().uptimeNanoseconds
        body()
        return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
    }
}
func median(_ xs: [Double]) -> Double { let s = xs.sorted(); return s[s.count / 2] }
/// Median seconds of each method over `rounds` rounds after one warm-up round, the methods interleaved (every round
/// times each once, the order rotated by the round and `rotation`), so that a loaded machine affects them alike.
func interleavedMedians(_ methods: [() -> Void], rounds: Int, rotation: Int = 0) -> [Double] {
    var samples = [[Double]](repeating: [], count: methods.count)
    for round in 0...rounds {
        for j in 0..<methods.count {
            let m = (j + round + rotation) % methods.count
            let t = time(warmup: 0, runs: 1, methods[m])[0]
            if round > 0 { samples[m].append(t) }
        }
    }
    return samples.map(median)
}

/// Seconds per FFT-convolution phase ("transforms", "kernel transforms", "mixing", "copies", in that order) during
/// one run of `body`, and the run's total seconds (`FFTConvolutionProfile`, on only for this call).
func fftPhaseSeconds(_ body: () -> Void) -> (phases: [Double], total: Double) {
    FFTConvolutionProfile.reset(); FFTConvolutionProfile.enabled = true
    let t0 = DispatchTime.now().uptimeNanoseconds
    body()
    let total = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
    FFTConvolutionProfile.enabled = false
    return (["transforms", "kernel transforms", "mixing", "copies"].map { FFTConvolutionProfile.seconds[$0] ?? 0 }, total)
}
func row(_ cells: [String]) { print("| " + cells.joined(separator: " | ") + " |") }
func f(_ x: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", x) }

let sections = Set(CommandLine.arguments.dropFirst())
func wants(_ s: String) -> Bool { sections.isEmpty || sections.contains(s) }

print("npbench — \(BLASKernelSelection.summary)\n")
if pseudoTokenBenchmarks(Array(CommandLine.arguments.dropFirst())) { exit(0) }   // PseudoTokenBench.swift (opt-in sections)

if wants("gemm") {
    print("## GEMM (float32, C = A·B, square n×n; best of 20 after 3 warm-up)\n")
    row(["n", "ms", "GFLOP/s"]); row(["---", "---", "---"])
    for n in [64, 128, 256, 512, 1024] {
        var rng = RandomGenerator(seed: 1)
        let a = rng.uniformTensor([n, n]).scalars, b = rng.uniformTensor([n, n]).scalars
        let t = time(warmup: 3, runs: n >= 1024 ? 8 : 20) { _ = matmul(a, b, m: n, n: n, k: n) }.min()!
        row(["\(n)", f(t * 1e3, 3), f(2 * pow(Double(n), 3) / t / 1e9)])
    }
    print()
}

if wants("conv") {
    print("## Convolutions (channels-last, stride 1, same padding; median of 10 after 2 warm-up)\n")
    row(["shape", "pass", "ms", "GFLOP/s", "PyTorch GFLOP/s"]); row(["---", "---", "---", "---", "---"])
    let cases: [(String, ConvGeometry, String)] = [
        ("1-D ConvCNP: 16 × 512 grid, 64→64, k 21", ConvGeometry(batch: 16, spatial: [512], kernel: [21], cin: 64, cout: 64), "≈ 30"),
        ("1-D quick: 16 × 256 grid, 32→32, k 21", ConvGeometry(batch: 16, spatial: [256], kernel: [21], cin: 32, cout: 32), "–"),
        ("2-D U-Net top: 16 × 32×32, 16→16, k 9", ConvGeometry(batch: 16, spatial: [32, 32], kernel: [9, 9], cin: 16, cout: 16), "–"),
        ("2-D: 16 × 16×16, 32→32, k 9", ConvGeometry(batch: 16, spatial: [16, 16], kernel: [9, 9], cin: 32, cout: 32), "–"),
    ]
    for (name, g, torch) in cases {
        var rng = RandomGenerator(seed: 2)
        let x = rng.uniformTensor(g.inputShape).scalars, w = rng.uniformTensor(g.weightShape).scalars
        let d = rng.uniformTensor(g.outputShape).scalars
        let flops = 2.0 * Double(g.batch * g.spatial.reduce(1, *) * g.cinPerGroup * g.cout * g.taps)
        var padded: [Float] = []
        let tf = median(time(warmup: 2, runs: 10) { padded = convForward(x, w, g).paddedInput })
        var dx = [Float](repeating: 0, count: x.count), dw = [Float](repeating: 0, count: w.count)
        let tb = median(time(warmup: 2, runs: 10) {
            dx.withUnsafeMutableBufferPointer { px in dw.withUnsafeMutableBufferPointer { pw in
                convBackward(d, paddedInput: padded, w, g, dx: px.baseAddress, dw: pw.baseAddress)
            }}
        })
        row([name, "forward", f(tf * 1e3, 2), f(flops / tf / 1e9), torch])
        row([name, "backward (dx, dw)", f(tb * 1e3, 2), f(2 * flops / tb / 1e9), "–"])
    }
    print()
}

if sections.contains("conv2d") { benchmarkConv2DMethods() }   // only when named (slow at paper shapes)
if sections.contains("conv2d-fft") { benchmarkFFTConvolution(preset: sections.contains("quick") ? .quick : .quickSmoke, tinyGrids: sections.contains("tiny")) }   // only when named (FFTConvBench.swift)
if sections.contains("conv1d-fft") { benchmarkFFTConvolution1D() }   // only when named (FFTConv1DBench.swift)
if sections.contains("fft-digest") { printFFTDigest() }   // only when named (FFTDigest.swift)
if sections.contains("gaussian-exp") { benchmarkGaussianExp() }   // only when named (GaussianExpBench.swift)
if sections.contains("grid-models") { benchmarkGridModelSteps() }
if sections.contains("profile") { profileTrainingSteps(Array(sections)); exit(0) }

if wants("mlp") {
    print("## MLP training step (3 × Linear 128→128, ReLU, MSE, batch 1024, Adam lr 1e-3; median of 200 after 20 warm-up)\n")
    var rng = RandomGenerator(seed: 3)
    let store = ParameterStore()
    let mlp = MLP(store.root, widths: [128, 128, 128, 128], rng: &rng)
    let opt = AdamW(store, .init(learningRate: 1e-3, weightDecay: 0))
    let x = rng.uniformTensor([1024, 128], low: -1, high: 1), y = rng.uniformTensor([1024, 128], low: -1, high: 1)
    var loss: Float = 0
    let times = time(warmup: 20, runs: 200) {
        let tape = Tape()
        let l = tape.meanAll(tape.square(tape.sub(mlp(tape, tape.constant(x)), tape.constant(y))))
        tape.backward(from: l)
        opt.update()
        loss = l.scalars[0]
    }
    let torch = workerCount == 1 ? 3.27 : 2.41
    row(["threads", "ms / step (median)", "best", "PyTorch 2.15 ms", "ratio (ours / PyTorch)", "final loss"])
    row(["---", "---", "---", "---", "---", "---"])
    row(["\(workerCount)", f(median(times) * 1e3, 2), f(times.min()! * 1e3, 2), f(torch, 2), f(median(times) * 1e3 / torch, 2), f(Double(loss), 4)])
    print()
}

if wants("models") {
    // The peer-bench workload: 16 of the 1-D experiment's tasks (GibbsTasks.swift), one fixed batch per model;
    // forward, Gaussian NLL, backward, value clipping, AdamW (lr 5e-4).
    print("## Model training steps (16 tasks, forward + backward + AdamW; \(GibbsBenchTasks.description))\n")
    let torch: [String: [Int: Double]] = [   // measured before this package was written, ms per step by threads, "preset/model"
        "quick/ConvCNP": [1: 243, 2: 119], "paper/ConvCNP": [1: 1023, 2: 581],
        "quick/TNP": [1: 55, 2: 49], "paper/TNP": [1: 333, 2: 195],
        "quick/TE-TNP": [1: 1207, 2: 718], "paper/TE-TNP": [1: 8099, 2: 5039],
    ]
    func reference(_ kind: ModelKind) -> String {
        switch kind {
        case .tnp: return "TNP"
        case .tnpT, .tnpTApprox: return "TE-TNP"
        default: return "ConvCNP"
        }
    }
    row(["preset", "model", "parameters", "ms / step (median)", "PyTorch ms (same threads; measured before this package, on the old 16 × 64 / 128, U[−3, 3] workload)", "ratio ours / PyTorch", "context (padded)", "CPU ms / step (all threads, warm-up included)"])
    row(["---", "---", "---", "---", "---", "---", "---", "---"])
    let presets = sections.contains("paper") ? [ModelPreset.paper] : sections.contains("quick") ? [ModelPreset.quick] : [ModelPreset.quick, .paper]
    for preset in presets {
        let oneD = ModelKind.allCases.filter { $0.modelClass != "PT-TNP" }   // the pseudo-token TNPs: section pt-tnp
        let chosen = oneD.filter { sections.contains($0.rawValue) }
        for kind in chosen.isEmpty ? oneD : chosen {
            var rng = RandomGenerator(seed: 4)
            let model = ModelSpec.gibbs1D(kind, preset: preset).build(rng: &rng)
            let opt = AdamW(model.parameters, .init(learningRate: 5e-4))
            var dataRNG = RandomGenerator(seed: 5)
            let batch = GibbsBenchTasks.batch(tasks: 16, using: &dataRNG)
            let heavy = preset.name == "paper" && (kind == .tnpT || kind == .tnpTApprox)
            let cpu0 = processCPUSeconds()
            let times = time(warmup: 1, runs: heavy ? 3 : 7) {
                let tape = Tape()
                let loss = model.loss(tape, batch, fixedInputs: model.trainingSwitch(tasks: 16, using: &rng))
                tape.backward(from: loss)
                GradientClipping.value(0.5).apply(to: model.parameters)
                opt.update()
            }
            let ms = median(times) * 1e3
            let cpu = (processCPUSeconds() - cpu0) / Double(times.count + 1) * 1e3
            let ref = torch["\(preset.name)/\(reference(kind))"]?[workerCount]
            row([preset.name, kind.displayName, "\(model.parameters.scalarCount)", f(ms, 1),
                 ref.map { "\(f($0, 0)) (\(reference(kind)))" } ?? "–", ref.map { f(ms / $0, 2) } ?? "–", "\(batch.contextCount)", f(cpu, 1)])
        }
    }
    print()
}

if wants("smoke") { runSmokeBench() }

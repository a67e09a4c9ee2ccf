// npbench sections for the pseudo-token TNPs and their fused TE logit op. Opt-in (not part of the
// default run: the paper-preset steps take tens of seconds):
//
//   swift run -c release npbench pair-mlp     # the fused pair-MLP op vs its unfused composition, 1 and 2 threads
//   swift run -c release npbench te-tnp       # the 1-D TE-TNP with fused and with unfused logits
//   swift run -c release npbench pt-tnp-memory  # peak memory at the largest paper-size workload, one step each
//   swift run -c release npbench pt-tnp       # PT-TNP, PT-TNP (T), PT-TNP (T̃): quick and paper presets, 1 and 2 threads
//
// Every configuration runs in a child process (this executable, with AENP_THREADS set), so that its peak
// resident memory (getrusage ru_maxrss) is its own.
import Foundation
import NPAutodiff
import NPModels
import NPNN
import NPTensor

// processCPUSeconds() and peakResidentMB() are GridModelSteps.swift's.

/// Runs this executable with `arguments` and `AENP_THREADS = threads`; returns the numbers of its `RESULT` line.
func runChild(_ arguments: [String], threads: Int) -> [Double]? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/proc/self/exe")
    process.arguments = arguments
    var environment = ProcessInfo.processInfo.environment
    environment["AENP_THREADS"] = String(threads)
    process.environment = environment
    let pipe = Pipe()
    process.standardOutput = pipe
    do { try process.run() } catch { print("cannot start \(arguments): \(error)"); return nil }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self)
    guard process.terminationStatus == 0, let line = text.split(separator: "\n").last(where: { $0.hasPrefix("RESULT ") }) else {
        print("child \(arguments) failed (status \(process.terminationStatus)): \(text.suffix(400))")
        return nil
    }
    return line.split(separator: " ").dropFirst().compactMap { Double($0) }
}

// MARK: the fused pair-MLP op

/// The TE logit workload of one paper-size attention: 8 tasks, 8 heads × 16, 128 pseudo-tokens attending to
/// 1,024 context points in 2-D, logit MLP 10 → 128 → 128 → 8.
struct PairMLPShape {
    var tasks = 8, heads = 8, headWidth = 16, queries = 128, keys = 1024, dx = 2, hidden = 128
    var pairs: Int { tasks * queries * keys }
    /// Forward multiply-adds × 2 per pair: the dot products and the three layers.
    var forwardFlopsPerPair: Int { 2 * (heads * headWidth + (dx + heads) * hidden + hidden * hidden + hidden * heads) }
}

/// Child: times forward and forward + backward of one implementation; prints
/// `RESULT forward-ms step-ms peak-MiB`.
func pairMLPChild(fused: Bool) {
    let s = PairMLPShape()
    var rng = RandomGenerator(seed: 9)
    let inputs = [rng.normalTensor([s.tasks, s.heads, s.queries, s.headWidth]), rng.normalTensor([s.tasks, s.heads, s.keys, s.headWidth]),
                  rng.normalTensor([s.tasks, s.queries, s.dx]), rng.normalTensor([s.tasks, s.keys, s.dx])].map { Variable($0, requiresGrad: true) }
    let widths = [s.dx + s.heads, s.hidden, s.hidden, s.heads]
    let layers = zip(widths, widths.dropFirst()).map { i, o in
        PairwiseMLPLayer(weight: Variable(rng.uniformTensor([o, i], low: -0.3, high: 0.3), requiresGrad: true),
                         bias: Variable(.zeros([o]), requiresGrad: true))
    }
    let block = ProcessInfo.processInfo.environment["AENP_PAIRS_PER_BLOCK"].flatMap { Int($0) } ?? 4096   // for tuning the block size
    func logits(_ tape: Tape) -> Variable {
        fused ? tape.pairwiseLogitMLP(queries: inputs[0], keys: inputs[1], dotScale: 0.25, queryPositions: inputs[2], keyPositions: inputs[3], layers: layers,
                                      pairsPerBlock: block)
              : tape.pairwiseLogitMLPReference(queries: inputs[0], keys: inputs[1], dotScale: 0.25, queryPositions: inputs[2], keyPositions: inputs[3], layers: layers)
    }
    let cpu0 = processCPUSeconds()
    let forward = median(time(warmup: 1, runs: 3) { _ = logits(Tape(recording: false)) })
    let cpu1 = processCPUSeconds()
    let step = median(time(warmup: 1, runs: 3) {
        let tape = Tape()
        tape.backward(from: tape.sumAll(logits(tape)))
    })
    let cpu2 = processCPUSeconds()
    print("RESULT \(forward * 1e3) \(step * 1e3) \(peakResidentMB()) \((cpu1 - cpu0) / 4 * 1e3) \((cpu2 - cpu1) / 4 * 1e3)")
}

func pairMLPTable() {
    let s = PairMLPShape()
    print("## Fused TE logit op (pair MLP): \(s.tasks) tasks × \(s.queries) queries × \(s.keys) keys = \(s.pairs) pairs, dx \(s.dx), "
          + "\(s.heads) heads × \(s.headWidth), MLP \(s.dx + s.heads) → \(s.hidden) → \(s.hidden) → \(s.heads); median of 3\n")
    row(["implementation", "threads", "forward ms", "forward + backward ms", "CPU ms fwd / fwd + bwd (all threads)", "pairs / s (fwd + bwd)",
         "GFLOP/s (fwd + bwd)", "peak RSS MiB"])
    row(["---", "---", "---", "---", "---", "---", "---", "---"])
    // Forward + backward = forward, recomputation, and the backward's two products per layer: 4× the forward FLOPs
    // for the fused op; the unfused composition does not recompute (3×). Both rates count 3× (the work needed).
    let flops = Double(3 * s.pairs * s.forwardFlopsPerPair)
    for fused in [true, false] {
        for threads in [1, 2] {
            guard let r = runChild(["pair-mlp-child", fused ? "fused" : "reference"], threads: threads), r.count == 5 else { continue }
            row([fused ? "fused" : "unfused reference", "\(threads)", f(r[0], 1), f(r[1], 1), "\(f(r[3], 0)) / \(f(r[4], 0))",
                 String(format: "%.2e", Double(s.pairs) / (r[1] / 1e3)),
                 f(flops / (r[1] / 1e3) / 1e9, 1), f(r[2], 0)])
        }
    }
    print()
}

/// Child: a 1-D TE-TNP training step (the `models` section's workload: 16 tasks × 64 context / 128 targets) with
/// fused or unfused logits; prints `RESULT ms peak-MiB`.
func teTNPChild(preset: ModelPreset, fused: Bool) {
    var rng = RandomGenerator(seed: 4)
    let model = ModelSpec.gibbs1D(.tnpT, preset: preset).build(rng: &rng) as! TNP
    model.logitImplementation = fused ? .fused : .reference
    let opt = AdamW(model.parameters, .init(learningRate: 5e-4))
    let batch = TaskBatch(xc: rng.uniformTensor([16, 64, 1], low: -3, high: 3), yc: rng.normalTensor([16, 64, 1]),
                          xt: rng.uniformTensor([16, 128, 1], low: -3, high: 3), yt: rng.normalTensor([16, 128, 1]))
    let runs = preset.name == "paper" ? 3 : 5
    var cpu = 0.0
    let times = time(warmup: 1, runs: runs) {
        let cpu0 = processCPUSeconds()
        let tape = Tape()
        tape.backward(from: model.loss(tape, batch, fixedInputs: .on))
        opt.update()
        cpu += processCPUSeconds() - cpu0
    }
    print("RESULT \(median(times) * 1e3) \(cpu / Double(runs + 1) * 1e3) \(peakResidentMB())")
}

func teTNPTable() {
    print("## 1-D TE-TNP training step with fused and unfused logits (16 tasks × 64 context / 128 targets; median)\n")
    row(["preset", "logits", "threads", "ms / step", "CPU ms / step (all threads)", "peak RSS MiB"])
    row(["---", "---", "---", "---", "---", "---"])
    for preset in [ModelPreset.quick, .paper] {
        for threads in [1, 2] {
            for fused in [true, false] {
                guard let r = runChild(["te-tnp-child", preset.name, fused ? "fused" : "reference"], threads: threads), r.count == 3 else { continue }
                row([preset.name, fused ? "fused" : "unfused", "\(threads)", f(r[0], 1), f(r[1], 0), f(r[2], 0)])
            }
        }
    }
    print()
}

// MARK: the three models

/// The training workload per preset: 2-D inputs on [−3, 3]²; quick: 16 tasks × 256 context / 256 targets;
/// paper: 512 / 512 (a 32 × 32 patch split in half), 16 tasks for the PT-TNP and 8 for the PT-TNP (T) and (T̃)
/// (the paper's batch sizes, Docs/paper-spec.md §5.1).
func pseudoTokenWorkload(preset: ModelPreset, kind: ModelKind) -> (tasks: Int, context: Int, targets: Int) {
    let paper = preset.name == "paper"
    let tasks = paper && kind != .ptTNP ? 8 : 16
    return paper ? (tasks, 512, 512) : (tasks, 256, 256)
}

/// Child: median training step (forward, NLL, backward, value clipping, AdamW) of one model; prints
/// `RESULT ms parameters peak-MiB`.
func pseudoTokenModelChild(preset: ModelPreset, kind: ModelKind, workload: (tasks: Int, context: Int, targets: Int)? = nil, runs: Int? = nil) {
    var rng = RandomGenerator(seed: 4)
    let spec = ModelSpec.attention(kind, sizes: preset.tnp, inputDimension: 2, domain: DomainBox(lower: [-7, -7], upper: [7, 7]), positionDivisor: 7)
    let model = spec.build(rng: &rng)
    let opt = AdamW(model.parameters, .init(learningRate: 5e-4))
    let (m, nc, nt) = workload ?? pseudoTokenWorkload(preset: preset, kind: kind)
    let batch = TaskBatch(xc: rng.uniformTensor([m, nc, 2], low: -3, high: 3), yc: rng.normalTensor([m, nc, 1]),
                          xt: rng.uniformTensor([m, nt, 2], low: -3, high: 3), yt: rng.normalTensor([m, nt, 1]))
    let heavy = preset.name == "paper" && kind != .ptTNP
    let runs = runs ?? (heavy ? 2 : 5)
    var cpu = 0.0
    let times = time(warmup: runs == 1 ? 0 : 1, runs: runs) {
        let cpu0 = processCPUSeconds()
        let tape = Tape()
        let loss = model.loss(tape, batch, fixedInputs: model.trainingSwitch(tasks: m, using: &rng))
        tape.backward(from: loss)
        GradientClipping.value(0.5).apply(to: model.parameters)
        opt.update()
        cpu += processCPUSeconds() - cpu0
    }
    print("RESULT \(median(times) * 1e3) \(model.parameters.scalarCount) \(peakResidentMB()) \(cpu / Double(runs == 1 ? 1 : runs + 1) * 1e3)")
}

func pseudoTokenModelTable(presets: [ModelPreset]) {
    print("## Pseudo-token TNP training steps (2-D inputs; forward + backward + AdamW; each in its own process)\n")
    row(["preset", "model", "parameters", "tasks × context / targets", "threads", "ms / step (median)", "CPU ms / step (all threads)", "peak RSS MiB"])
    row(["---", "---", "---", "---", "---", "---", "---", "---"])
    for preset in presets {
        for kind in [ModelKind.ptTNP, .ptTNPT, .ptTNPTApprox] {
            let (m, nc, nt) = pseudoTokenWorkload(preset: preset, kind: kind)
            for threads in [1, 2] {
                guard let r = runChild(["pt-tnp-child", preset.name, kind.rawValue], threads: threads), r.count == 4 else { continue }
                row([preset.name, kind.displayName, "\(Int(r[1]))", "\(m) × \(nc) / \(nt)", "\(threads)", f(r[0], 1), f(r[3], 0), f(r[2], 0)])
            }
        }
    }
    print()
}

/// Peak memory at the largest paper-size workload (16 tasks, 1,024 points each: 512 context, 512 targets), one step
/// per model.
func pseudoTokenMemoryTable() {
    print("## Pseudo-token TNPs at the paper preset, 16 tasks × 512 context / 512 targets (one step each, own process)\n")
    row(["model", "threads", "ms / step", "peak RSS MiB"])
    row(["---", "---", "---", "---"])
    for kind in [ModelKind.ptTNP, .ptTNPT, .ptTNPTApprox] {
        guard let r = runChild(["pt-tnp-child", "paper", kind.rawValue, "16", "512", "512", "1"], threads: 2), r.count == 4 else { continue }
        row([kind.displayName, "2", f(r[0], 0), f(r[2], 0)])
    }
    print()
}

/// The hook for main.swift: handles the child modes and the opt-in sections; returns true when it handled a child
/// (the caller then stops).
func pseudoTokenBenchmarks(_ arguments: [String]) -> Bool {
    if arguments.first == "pair-mlp-child" { pairMLPChild(fused: arguments.dropFirst().first == "fused"); return true }
    if arguments.first == "pt-tnp-child", arguments.count >= 3, let preset = ModelPreset.named(arguments[1]), let kind = ModelKind(rawValue: arguments[2]) {
        let extra = arguments.dropFirst(3).compactMap { Int($0) }   // optional: tasks context targets runs
        pseudoTokenModelChild(preset: preset, kind: kind, workload: extra.count >= 3 ? (extra[0], extra[1], extra[2]) : nil,
                              runs: extra.count == 4 ? extra[3] : nil)
        return true
    }
    if arguments.first == "te-tnp-child", arguments.count == 3, let preset = ModelPreset.named(arguments[1]) {
        teTNPChild(preset: preset, fused: arguments[2] == "fused"); return true
    }
    if arguments.contains("pair-mlp") { pairMLPTable() }
    if arguments.contains("te-tnp") { teTNPTable() }
    if arguments.contains("pt-tnp-memory") { pseudoTokenMemoryTable() }
    if arguments.contains("pt-tnp") {
        let presets: [ModelPreset] = arguments.contains("paper") ? [.paper] : arguments.contains("quick") ? [.quick] : [.quick, .paper]
        pseudoTokenModelTable(presets: presets)
    }
    return false
}

import ArgumentParser
import ExperimentCLI
import ExperimentKit
import Foundation
import Smoke2D
import SmokeSim

/// `evaluate`: one model's test metrics (`--model`, as every experiment's `evaluate`), or every trained model of the
/// scale on smoke states of your own (`--states`).
struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate models: one model's test metrics (--model), or every trained model on your own smoke states (--states).",
        discussion: """
        --states DIR evaluates every trained model of the scale (training none) on tasks cut with a fixed seed from the
        128 × 128 final smoke states in DIR/*.npy (float32 [128, 128] or [S, 128, 128], rows y from the floor up,
        columns x, as `smoke2d simulate` writes them; raw density, divided by --target-scale like the training data),
        e.g. states simulated with PhiFlow itself. It prints the per-model log-likelihoods and writes them as JSON.
        """)
    @OptionGroup var common: SharedOptions<SmokeExperiment>
    @Option(help: "A model to evaluate on the experiment's test tasks (trained if needed); prints its metrics.") var model: String?
    @Option(help: "With --model: the training seed (default: the scale's).") var seed: UInt64?
    @Flag(help: "With --model: print every metric as JSON instead of a summary line.") var json = false
    @Option(help: "A folder of .npy smoke states to evaluate every trained model on.") var states: String?
    @Option(help: "Tasks cut from --states (a multiple of 16, 16…65536).") var tasks: Int = 256
    @Option(help: "Seed of the tasks cut from --states.") var taskSeed: UInt64 = 7
    @Option(help: "Divide --states by this (the data set's rate × steps), 0.001…1e6.") var targetScale: Double = 21
    @Option(help: "Where to write the --states results (default: <out>/tables/smoke-external.json).") var output: String?

    func run() throws {
        if let model {
            guard states == nil else { throw ValidationError("give either --model or --states, not both") }
            var choice = SmokeExperiment.RunChoice()
            choice.model = model
            choice.seed = seed
            try EvaluateCommand<SmokeExperiment>.evaluate(options: common, choice: choice, json: json)
            return
        }
        guard let states else { throw ValidationError("give --model NAME or --states DIR") }
        let e = try common.experiment()
        guard tasks >= 16, tasks <= 65_536, tasks % 16 == 0 else { throw ValidationError("--tasks must be a multiple of 16 in 16…65536, got \(tasks)") }
        try OptionRange.check(targetScale, in: 0.001...1e6, "--target-scale")
        let dir = URL(fileURLWithPath: states)
        let files = ((try? FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)) ?? [])
            .filter { $0.pathExtension == "npy" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("--states: no folder \(dir.path)")
        }
        guard !files.isEmpty else { throw ValidationError("--states: no .npy files in \(dir.path)") }
        let loaded = try SmokeStates.load(npyFiles: files, size: e.plan.setup.gridSize, targetScale: targetScale)
        let result = try e.evaluateExternal(loaded, tasks: tasks, seed: taskSeed)
        print("\(result.tasks) tasks from \(loaded.count) state(s) in \(dir.path), seed \(taskSeed), models of scale \(result.scale):")
        for r in result.rows {
            let off = r.equivariantComponent.map { String(format: "   fixed inputs off %8.4f ± %.4f", $0.mean, $0.standardError) } ?? ""
            print("  " + r.model.padding(toLength: 26, withPad: " ", startingAt: 0) + String(format: " %8.4f ± %.4f", r.logLikelihood.mean, r.logLikelihood.standardError) + off)
        }
        let url = output.map { URL(fileURLWithPath: $0) } ?? e.tablesDirectory.appendingPathComponent("smoke-external.json")
        try writeJSON(result, to: url)
        print("wrote \(url.path)")
    }
}

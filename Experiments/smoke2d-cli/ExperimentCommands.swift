import ArgumentParser
import ExperimentKit
import Foundation
import Smoke2D
import SmokeSim
import NPModels

/// The options every experiment CLI shares (`reproduce.sh` passes them): scale, output root, results cache.
struct ExperimentOptions: ParsableArguments {
    @Option(help: "ci, quick or paper.") var scale: String = "quick"
    @Option(help: "Where figures/ and tables/ are written (default: . for quick, outputs/<scale> otherwise).") var out: String?
    @Option(help: "Cache of training runs and metrics.") var results: String = "results"
    @Option(help: "The smoke data set (default: data/smoke/<scale>; generated there when missing).") var data: String?
    @Flag(help: "No progress output.") var quiet = false

    func experiment() throws -> SmokeExperiment {
        let s = try SmokeScale.named(scale)
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let root = out.map { URL(fileURLWithPath: $0, relativeTo: cwd) }
            ?? (scale == "quick" ? cwd : cwd.appendingPathComponent("outputs").appendingPathComponent(scale))
        let dataDir = URL(fileURLWithPath: data ?? "data/smoke/\(s.data.name)", relativeTo: cwd)
        let e = SmokeExperiment(scale: s, resultsRoot: URL(fileURLWithPath: results, relativeTo: cwd).standardizedFileURL,
                                outputRoot: root.standardizedFileURL, dataDirectory: dataDir.standardizedFileURL)
        e.quiet = quiet
        return e
    }
}

/// Which model a command is about.
struct ModelChoice: ParsableArguments {
    @Option(help: "One of: \(SmokeExperiment.models.map(\.rawValue).joined(separator: ", ")).") var model: String
    @Option(help: "Training seed (default: the scale's).") var seed: UInt64?

    func kind() throws -> ModelKind {
        guard let k = ModelKind(rawValue: model), SmokeExperiment.models.contains(k) else {
            throw ValidationError("unknown smoke model '\(model)'; choose \(SmokeExperiment.models.map(\.rawValue).joined(separator: ", "))")
        }
        return k
    }
}

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Train one model (resumes an interrupted run; generates the data set if missing).")
    @OptionGroup var common: ExperimentOptions
    @OptionGroup var choice: ModelChoice
    func run() throws {
        let e = try common.experiment()
        let config = e.runConfig(try choice.kind(), seed: choice.seed)
        _ = try e.trainedModel(config)
        print(e.store.runDirectory(try e.store.key(config)).path)
    }
}

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate models: one model's test metrics (--model), or every trained model on your own smoke states (--states).",
        discussion: """
        --states DIR evaluates every trained model of the scale (training none) on tasks cut with a fixed seed from the
        128 × 128 final smoke states in DIR/*.npy (float32 [128, 128] or [S, 128, 128], rows y from the floor up,
        columns x, as `smoke2d simulate` writes them; raw density, divided by --target-scale like the training data),
        e.g. states simulated with PhiFlow itself. It prints the per-model log-likelihoods and writes them as JSON.
        """)
    @OptionGroup var common: ExperimentOptions
    @Option(help: "A model to evaluate on the experiment's test tasks (trained if needed); prints its metrics as JSON.") var model: String?
    @Option(help: "A folder of .npy smoke states to evaluate every trained model on.") var states: String?
    @Option(help: "Tasks cut from --states (a multiple of 16).") var tasks: Int = 256
    @Option(help: "Seed of the tasks cut from --states.") var taskSeed: UInt64 = 7
    @Option(help: "Divide --states by this (the data set's rate × steps).") var targetScale: Double = 21
    @Option(help: "Where to write the --states results (default: <out>/tables/smoke-external.json).") var output: String?

    func run() throws {
        let e = try common.experiment()
        if let model {
            let m = try e.metrics(e.runConfig(try ModelChoice.parse(["--model", model]).kind()))
            print(String(decoding: try canonicalJSON(m), as: UTF8.self))
            return
        }
        guard let states else { throw ValidationError("give --model NAME or --states DIR") }
        guard tasks >= 16, tasks % 16 == 0 else { throw ValidationError("--tasks must be a positive multiple of 16") }
        let dir = URL(fileURLWithPath: states)
        let files = ((try? FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)) ?? [])
            .filter { $0.pathExtension == "npy" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
        guard !files.isEmpty else { throw ValidationError("no .npy files in \(dir.path)") }
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

struct Targets: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List this experiment's outputs, tab-separated: target, paper item, needs, state (exists/missing), files.")
    @OptionGroup var common: ExperimentOptions
    func run() throws { for line in try common.experiment().targetTable() { print(line) } }
}

struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Build outputs by target name (see `targets`).")
    @OptionGroup var common: ExperimentOptions
    @Argument(help: "Targets, e.g. figure5.") var targets: [String]
    func run() throws {
        try common.experiment().build(targets: targets)
    }
}

struct All: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Every output of the experiment.")
    @OptionGroup var common: ExperimentOptions
    func run() throws {
        try common.experiment().buildAll()
    }
}

struct Runs: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List every training run, one shell command per line.")
    @OptionGroup var common: ExperimentOptions
    @Flag(help: "Only runs that are not finished.") var missing = false
    @Flag(help: "Print status and key instead of commands.") var status = false
    func run() throws {
        for line in try common.experiment().runLines(missing: missing, status: status) { print(line) }
    }
}

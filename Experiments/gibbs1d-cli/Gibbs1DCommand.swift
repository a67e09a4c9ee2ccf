import ArgumentParser
import ExperimentCLI
import ExperimentKit
import Foundation
import Gibbs1D
import NPData
import NPModels

/// `gibbs1d`: the paper's 1-D Gibbs-GP experiment. Every subcommand trains and evaluates only what its
/// output needs and is not already cached under `--results`.
@main
struct Gibbs1DCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gibbs1d",
        abstract: "The 1-D Gibbs-kernel GP experiment of 'Approximately Equivariant Neural Processes' (Sec. 5.1): Table 1 (1-D columns), Tables 3-5, Figures 1, 3, 4.",
        discussion: """
        Scales (--scale):
          ci     tiny models, 30 training steps, 64 test tasks: the whole pipeline in a couple of minutes (tests, CI).
          quick  reduced models (D_z 64, 4 layers; C 32, 6 layers), 4,000 steps (800 for the TE-TNPs), 4,096 test
                 tasks, three seeds for the ConvCNP and EquivCNP pairs: about an hour on a 2-core laptop; the
                 committed figures/ and tables/ come from this scale.
          standard  the quick models trained 30,000 steps (4,000 for the TE-TNPs), 8,192 test tasks: about 6 hours
                 on 2 cores, resumable in pieces (`gibbs1d runs --missing --scale standard | xargs -P 2 …`);
                 outputs in outputs/standard.
          paper  the paper's models and budget: 500,000 steps of 16 tasks, 80,000 test tasks (GPU-days of work; see
                 README for distributing the runs with `gibbs1d runs`).
        Results are cached under --results by a hash of each run's full configuration; delete a run's folder to redo it.
        """,
        subcommands: [Train.self, Evaluate.self, GroundTruthCommand.self, Table.self, FigureCommand.self, BuildCommand<Common>.self, TargetsCommand<Common>.self, All.self, RunsCommand<Common>.self],
        defaultSubcommand: All.self)

    static func main() { mainSelectingBLASKernel() }
}

struct Common: ExperimentOptions {
    @Option(help: "ci, quick, standard or paper.")
    var scale: String = "quick"
    @Option(help: "Kernel generating the data: gibbs-as-released (what the authors' code computed, which made the published numbers; the default) or gibbs (the formula printed in the paper; results in results/gibbs1d/<scale>-gibbs).")
    var kernel: String = Gibbs1DExperiment.defaultKernel.rawValue
    @Option(help: "Cache of runs and metrics.")
    var results: String = "results"
    @Option(help: "Where figures/ and tables/ are written (default: . for quick, outputs/<scale> otherwise).")
    var out: String?
    @Flag(help: "No progress output.")
    var quiet = false

    func experiment() throws -> Gibbs1DExperiment {
        guard let s = Gibbs1DScale.named(scale) else {
            throw ValidationError("unknown scale '\(scale)'; choose one of \(Gibbs1DScale.all.map(\.name).joined(separator: ", "))")
        }
        guard let k = GibbsKernel(rawValue: kernel) else {
            throw ValidationError("unknown kernel '\(kernel)'; choose gibbs or gibbs-as-released")
        }
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let outRoot = out.map { URL(fileURLWithPath: $0, relativeTo: cwd) } ?? (s.name == "quick" ? cwd : cwd.appendingPathComponent("outputs").appendingPathComponent(s.name))
        let e = Gibbs1DExperiment(scale: s, kernel: k, resultsRoot: URL(fileURLWithPath: results, relativeTo: cwd), outputRoot: outRoot)
        e.quiet = quiet
        return e
    }
}

struct ModelChoice: ParsableArguments {
    @Option(help: "One of: \(Gibbs1DExperiment.models.map(\.rawValue).joined(separator: ", ")).")
    var model: String
    @Option(name: .customLong("fixed-inputs"), help: "B, the number of fixed inputs (approximately equivariant models; default: the paper's).")
    var fixedInputs: Int?
    @Option(help: "Training seed (default: the scale's; the seed replicates of `runs` use others).")
    var seed: UInt64?

    func kind() throws -> ModelKind {
        guard let k = ModelKind(rawValue: model), Gibbs1DExperiment.models.contains(k) else {
            throw ValidationError("unknown model '\(model)'; choose one of \(Gibbs1DExperiment.models.map(\.rawValue).joined(separator: ", "))")
        }
        if fixedInputs != nil && !k.takesFixedInputCount {
            throw ValidationError("--fixed-inputs applies to tnp-t-approx, convcnp-t-approx and equivcnp-e-approx")
        }
        if let b = fixedInputs, b < 0 { throw ValidationError("--fixed-inputs must be ≥ 0") }
        return k
    }
}

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Train one model (resumes an interrupted run).")
    @OptionGroup var common: Common
    @OptionGroup var choice: ModelChoice
    func run() throws {
        let e = try common.experiment()
        let config = e.runConfig(try choice.kind(), fixedInputs: choice.fixedInputs, seed: choice.seed)
        _ = try e.trainedModel(config)
        print(e.store.runDirectory(try e.key(config)).path)
    }
}

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Evaluate one model (training it if needed) and print its metrics as JSON.")
    @OptionGroup var common: Common
    @OptionGroup var choice: ModelChoice
    func run() throws {
        let e = try common.experiment()
        let m = try e.metrics(e.runConfig(try choice.kind(), fixedInputs: choice.fixedInputs, seed: choice.seed))
        print(String(decoding: try canonicalJSON(m), as: UTF8.self))
    }
}

struct GroundTruthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ground-truth",
        abstract: "The exact predictor's context-set log-likelihood under both kernel readings, next to the paper's 0.2806 ± 0.0005.")
    @OptionGroup var common: Common
    func run() throws {
        let gt = try common.experiment().groundTruth()
        for (k, v) in gt.contextSet.sorted(by: { $0.key < $1.key }) {
            print(String(format: "%-20@ context-set log-likelihood %.4f ± %.4f (%d tasks)", k, v.mean, v.standardError, v.count))
        }
        print(String(format: "%-20@ context-set log-likelihood %.4f ± %.4f", "paper", GroundTruthMetrics.paperContextValue, GroundTruthMetrics.paperContextError))
    }
}

struct Table: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Build one table: 1 (1-D columns), 3, 4 or 5.")
    @OptionGroup var common: Common
    @Argument(help: "1, 3, 4 or 5") var number: Int
    func run() throws { try common.experiment().build("table\(number)") }
}

struct FigureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "figure", abstract: "Build one figure: 1, 3 or 4.")
    @OptionGroup var common: Common
    @Argument(help: "1, 3 or 4") var number: Int
    func run() throws { try common.experiment().build("figure\(number)") }
}



struct All: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Everything: every run, Tables 1, 3, 4, 5 and Figures 1, 3, 4.")
    @OptionGroup var common: Common
    func run() throws {
        let e = try common.experiment()
        for c in e.allRuns() { _ = try e.metrics(c) }
        try e.buildAll()
    }
}


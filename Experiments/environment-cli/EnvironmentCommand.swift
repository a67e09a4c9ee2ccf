import ArgumentParser
import Environment
import ExperimentCLI
import ExperimentKit
import Foundation
import NPModels

/// `environment`: the environmental experiment on Colorado station temperatures (the ERA5 substitute of
/// data.md). Every subcommand trains and evaluates only what its output needs and is not already cached.
@main
struct EnvironmentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "environment",
        abstract: "The environmental experiment of 'Approximately Equivariant Neural Processes' (Sec. 5.3) on Colorado station temperatures: Tables 2, 6-9, Figure 2, the deviation map and the claims.",
        discussion: """
        Needs the station data: scripts/setup-station-data.sh (Debian's r-cran-fields; data/stations, or STATION_DATA_DIR).
        Scales (--scale):
          ci     tiny models, 20 training steps, 24 test months: the whole pipeline in a couple of minutes (tests, CI).
          quick  reduced models, 600 steps (2-D CNNs) / 1,000 (2-D PT-TNPs) / 250 (4-D PT-TNPs), every test month: the
                 committed figures/ and tables/ come from this scale (about an hour on the 2-core VM).
          paper  the paper's sizes and budget (500,000 steps, 16,000 test tasks per split).
        """,
        subcommands: [All.self, BuildCommand<Options>.self, TargetsCommand<Options>.self, RunsCommand<Options>.self, Train.self, Evaluate.self, Bench.self],
        defaultSubcommand: All.self)

    static func main() { mainSelectingBLASKernel() }
}

struct Options: ExperimentOptions {
    @Option(help: "ci, quick or paper.") var scale: String = "quick"
    @Option(help: "Cache of runs and metrics.") var results: String = "results"
    @Option(help: "Where figures/ and tables/ are written (default: . for quick, outputs/<scale> otherwise).") var out: String?
    @Option(help: "The station data directory (default: data/stations, or STATION_DATA_DIR).") var data: String?
    @Flag(help: "No progress output.") var quiet = false

    func experiment() throws -> EnvironmentExperiment {
        guard let s = EnvironmentScale.named(scale) else {
            throw ValidationError("unknown scale '\(scale)'; choose one of \(EnvironmentScale.all.map(\.name).joined(separator: ", "))")
        }
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let root = out.map { URL(fileURLWithPath: $0, relativeTo: cwd) } ?? (s.name == "quick" ? cwd : cwd.appendingPathComponent("outputs/\(s.name)"))
        let e = EnvironmentExperiment(scale: s, resultsRoot: URL(fileURLWithPath: results, relativeTo: cwd), outputRoot: root.standardizedFileURL,
                                      dataDirectory: data.map { URL(fileURLWithPath: $0, relativeTo: cwd) })
        e.quiet = quiet
        return e
    }
}

struct ModelOption: ParsableArguments {
    @Option(help: "pt-tnp, pt-tnp-t, pt-tnp-t-approx (2-D and 4-D); convcnp-t, convcnp-t-approx, relaxedconvcnp-t-approx, equivcnp-e, equivcnp-e-approx (2-D).")
    var model: String
    @Option(help: "2 or 4.") var dimension: Int = 2
    @Option(name: .customLong("fixed-inputs"), help: "B (approximately equivariant models; default: the paper's).") var fixedInputs: Int?
    @Option(help: "Fixed-input dropout of the ConvCNP (T~) (default 0.5; Table 6 uses 0).") var dropout: Double?

    func config(_ e: EnvironmentExperiment) throws -> EnvironmentRunConfig {
        let kinds = dimension == 4 ? EnvironmentExperiment.models4D : EnvironmentExperiment.models2D
        guard dimension == 2 || dimension == 4 else { throw ValidationError("--dimension is 2 or 4") }
        guard let k = ModelKind(rawValue: model), kinds.contains(k) else {
            throw ValidationError("unknown \(dimension)-D model '\(model)'; choose one of \(kinds.map(\.rawValue).joined(separator: ", "))")
        }
        if fixedInputs != nil && !k.takesFixedInputCount { throw ValidationError("--fixed-inputs applies to approximately equivariant models with fixed inputs") }
        if dropout != nil && k != .convCNPTApprox { throw ValidationError("--dropout applies to convcnp-t-approx") }
        return try e.runConfig(k, dimension: dimension, fixedInputs: fixedInputs, dropout: dropout)
    }
}

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Train one model (resumes an interrupted run).")
    @OptionGroup var options: Options
    @OptionGroup var model: ModelOption
    func run() throws {
        let e = try options.experiment()
        let c = try model.config(e)
        _ = try e.trainedModel(c)
        print(e.store.runDirectory(try e.key(c)).path)
    }
}

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Evaluate one model (training it if needed); prints its summary metrics.")
    @OptionGroup var options: Options
    @OptionGroup var model: ModelOption
    func run() throws {
        let e = try options.experiment()
        let m = try e.metrics(try model.config(e))
        print(String(format: "%@ %d-D: ID %.3f ± %.3f, OOD %.3f ± %.3f, context %.3f ± %.3f", m.model.displayName, m.dimension,
                     m.inDistribution.mean, m.inDistribution.standardError, m.outOfDistribution.mean, m.outOfDistribution.standardError,
                     m.contextSet.mean, m.contextSet.standardError))
    }
}



struct All: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Everything: every run, Tables 2, 6-9, Figure 2, the deviation map, differences and claims.")
    @OptionGroup var options: Options
    func run() throws {
        let e = try options.experiment()
        for c in try e.allRuns() { _ = try e.metrics(c) }
        try e.buildAll()
    }
}


struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Seconds per training step of every model at the scale, on real training batches.")
    @OptionGroup var options: Options
    @Option(help: "Timed steps per model (after one warm-up step).") var steps: Int = 3
    func run() throws {
        for (label, s) in try options.experiment().stepTimes(steps: steps) { print(String(format: "%-40@ %8.1f ms/step", label, s * 1000)) }
    }
}

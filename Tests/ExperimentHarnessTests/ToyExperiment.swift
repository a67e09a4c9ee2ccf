import ArgumentParser
import ExperimentCLI
import ExperimentKit
import Foundation
import NPData
import NPModels
import NPReport
import NPTensor
import NPTraining

/// A fourth experiment written as a newcomer would add one: a definition of its runs, data, metrics and one
/// output, nothing else. The harness supplies the store, training, caching, provenance and the command line.
final class ToyExperiment: CommandLineExperiment {
    static let name = "toy"
    static let scales: [ScaleName] = [.ci]
    static let abstract = "A toy experiment: a ConvCNP (T) and its approximately equivariant twin on Gibbs-GP data, 3 steps."
    static let scaleHelp = "  ci  3 training steps, 32 test tasks."
    let context: ExperimentContext

    struct Run: RunConfiguration {
        var model: ModelSpec
        var schedule: TrainingSchedule
        var seed: UInt64
        var label: String { model.kind.rawValue + (seed == 0 ? "" : "-seed\(seed)") }
    }
    struct Metrics: Codable { var key: String; var logLikelihood: Estimate }
    struct Setting: Encodable { var steps: Int }
    struct Options: ParsableArguments {}
    struct RunChoice: ParsableArguments {
        @Option var model: String
        @Option var seed: UInt64?
    }

    init(scale: ScaleName, options: Options, resultsRoot: URL, outputRoot: URL) throws {
        context = ExperimentContext(experiment: Self.name, scaleName: scale.rawValue, resultsRoot: resultsRoot, outputRoot: outputRoot)
    }

    func runConfig(_ kind: ModelKind, seed: UInt64 = 0) -> Run {
        Run(model: .gibbs1D(kind, preset: .ci), schedule: TrainingSchedule(steps: 3, checkpointEvery: 3, validateEvery: 3), seed: seed)
    }
    func allRuns() -> [Run] { withSeedReplicates([runConfig(.convCNPT), runConfig(.convCNPTApprox)]) }
    func seedReplicates(of run: Run) -> Int { run.model.kind == .convCNPTApprox ? 2 : 1 }
    func run(_ choice: RunChoice) throws -> Run {
        guard let k = ModelKind(rawValue: choice.model), [.convCNPT, .convCNPTApprox].contains(k) else { throw ValidationError("no model \(choice.model)") }
        return runConfig(k, seed: choice.seed ?? 0)
    }
    func arguments(selecting run: Run) -> [String] { ["--model", run.model.kind.rawValue] + (run.seed == 0 ? [] : ["--seed", "\(run.seed)"]) }

    func batches(count: Int, stream: UInt64) -> [TaskBatch] {
        var rng = RandomGenerator(seed: 1, stream: stream)
        let sampler = GibbsGPSampler(.inDistribution(kernel: .asReleased))
        return (0..<count).map { _ in sampler.sampleBatch(tasks: 16, using: &rng).batch }
    }
    func trainingData(for run: Run) -> TrainingData {
        let sampler = GibbsGPSampler(.inDistribution(kernel: .asReleased))
        return TrainingData(validation: { self.batches(count: 1, stream: 2) }) { rng in sampler.sampleBatch(tasks: 16, using: &rng).batch }
    }
    func evaluate(_ run: Run, model: NeuralProcess, key: String) -> Metrics {
        Metrics(key: key, logLikelihood: Estimate(Evaluation.perTaskLogLikelihood(model, batches(count: 2, stream: 3), .on)))
    }
    func isCurrent(_ metrics: Metrics) -> Bool { true }
    func summary(_ m: Metrics) -> String { String(format: "%@: %.3f", m.key, m.logLikelihood.mean) }

    var setting: Setting { Setting(steps: 3) }
    var dataSources: [Provenance.DataSource] { [] }
    var reportTitle: String { "Toy" }
    var shortTitle: String { "toy" }
    var reportNotes: [String] { [] }
    var centralClaims: [String] { [] }
    var budgetSummary: String { "3 steps" }

    var outputDefinitions: [ExperimentOutput<ToyExperiment>] {
        [ExperimentOutput(.table("table-toy", names: ["table-toy"], item: "Toy table", needs: "2 models")) { try $0.table() }]
    }

    func table() throws {
        let started = Date()
        let runs = [runConfig(.convCNPT), runConfig(.convCNPTApprox)]
        let rows = try runs.map { TableRow($0.model.kind.displayName, [TableCell(try metrics($0).logLikelihood)]) }
        let table = try ResultsTable(caption: "Toy log-likelihoods.", label: "tab:toy", columns: [TableColumn("LL")], groups: [RowGroup(nil, rows)])
        try write(table, name: "table-toy", item: "Toy table", runs: runs, started: started)
    }
}

/// The toy experiment's executable, as its `Command/` folder would declare it.
struct ToyCommand: ParsableCommand {
    static let configuration = ExperimentCommand<ToyExperiment>.configuration()
}

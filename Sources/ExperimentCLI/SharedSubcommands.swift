import ArgumentParser
import ExperimentKit
import Foundation

/// `train`: one run, resuming an interrupted one; prints the run's folder.
public struct TrainCommand<E: CommandLineExperiment>: ParsableCommand {
    public static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "train", abstract: "Train one model (resumes an interrupted run); prints its run folder.")
    }
    @OptionGroup var options: SharedOptions<E>
    @OptionGroup var choice: E.RunChoice
    public init() {}
    public func run() throws {
        let e = try options.experiment()
        let run = try e.run(choice)
        try e.context.checkWritable(outputs: false)
        _ = try e.trainedModel(run)
        print(e.store.runDirectory(try e.key(run)).path)
    }
}

/// `evaluate`: one run's metrics (training it first if needed), as a summary line or JSON.
public struct EvaluateCommand<E: CommandLineExperiment>: ParsableCommand {
    public static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "evaluate", abstract: "Evaluate one model (training it first if needed) and print its metrics.")
    }
    @OptionGroup var options: SharedOptions<E>
    @OptionGroup var choice: E.RunChoice
    @Flag(help: "Print every metric as JSON instead of a summary line.") var json = false
    public init() {}
    public func run() throws { try Self.evaluate(options: options, choice: choice, json: json) }

    /// What `evaluate` does, for an experiment whose own `evaluate` command adds modes of its own.
    public static func evaluate(options: SharedOptions<E>, choice: E.RunChoice, json: Bool) throws {
        let e = try options.experiment()
        let run = try e.run(choice)
        try e.context.checkWritable(outputs: false)
        let m = try e.metrics(run)
        print(json ? String(decoding: try canonicalJSON(m), as: UTF8.self) : e.summary(m))
    }
}

/// `all`: every run, then every output.
public struct AllCommand<E: CommandLineExperiment>: ParsableCommand {
    public static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "all", abstract: "Everything: train and evaluate every missing run, then build every output.")
    }
    @OptionGroup var options: SharedOptions<E>
    public init() {}
    public func run() throws {
        let e = try options.experiment()
        try e.context.checkWritable()
        try e.runAll()
    }
}

/// `build TARGET…`: outputs by target name, training only what they need.
public struct BuildCommand<E: CommandLineExperiment>: ParsableCommand {
    public static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "build", abstract: "Build outputs by target name (see `targets`), training only what they need.")
    }
    @OptionGroup var options: SharedOptions<E>
    @Argument(help: "Targets (see `targets`).") var targets: [String]
    public init() {}
    public func run() throws {
        let e = try options.experiment()
        for t in targets { _ = try e.output(t) }
        try e.context.checkWritable()
        try e.build(targets: targets)
    }
}

/// `targets`: the experiment's outputs, tab-separated, for reproduce.sh.
public struct TargetsCommand<E: CommandLineExperiment>: ParsableCommand {
    public static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "targets",
                             abstract: "List this experiment's outputs, tab-separated: target, paper item, needs, state (exists/missing), files.")
    }
    @OptionGroup var options: SharedOptions<E>
    public init() {}
    public func run() throws { for line in try options.experiment().targetTable() { print(line) } }
}

/// `runs`: every training run, one shell command per line (a cluster, `xargs -P`), or its status and key.
public struct RunsCommand<E: CommandLineExperiment>: ParsableCommand {
    public static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "runs",
                             abstract: "List every training run, one shell command per line (for a cluster or `xargs -P`); a run is finished when trained and evaluated.")
    }
    @OptionGroup var options: SharedOptions<E>
    @Flag(help: "Only runs that are not finished.") var missing = false
    @Flag(help: "Print status and key instead of commands.") var status = false
    @Option(name: .customLong("drop-weights"), parsing: .upToNextOption,
            help: "Drop the weights of these finished runs (keys, as --status prints them), keeping their metrics, logs and configurations; an output that needs such a model trains it again from the same seed.")
    var dropWeights: [String] = []
    public init() {}
    public func run() throws {
        if !dropWeights.isEmpty {
            let store = try options.experiment().store
            for key in dropWeights {
                try store.dropWeights(key)
                print("\(key): weights dropped (metrics, log and configuration kept)")
            }
            return
        }
        let lines = try options.experiment().runLines(missing: missing, status: status)
        for line in lines { print(line) }
        if !status && lines.contains(where: { $0.contains("'") }) {
            FileHandle.standardError.write(Data("""
                \(E.name) runs: some paths hold spaces or shell characters, so these lines quote them for `sh -c`; split the \
                lines on newlines only (`xargs -d '\\n' -I{} sh -c '{}'`, GNU parallel, a while-read loop): plain xargs \
                removes the quotes.

                """.utf8))
        }
    }
}

/// The command of experiment `E`: the shared subcommands, then the experiment's own.
public enum ExperimentCommand<E: CommandLineExperiment> {
    /// `evaluate`: replaces the shared `evaluate` when the experiment's adds modes of its own.
    public static func configuration(extra: [ParsableCommand.Type] = [], evaluate: ParsableCommand.Type = EvaluateCommand<E>.self) -> CommandConfiguration {
        CommandConfiguration(
            commandName: E.name, abstract: E.abstract,
            discussion: "Scales (--scale):\n" + E.scaleHelp
                + "\nResults are cached under --results by a hash of each run's full configuration; delete a run's folder to redo it.",
            subcommands: [AllCommand<E>.self, BuildCommand<E>.self, TargetsCommand<E>.self, RunsCommand<E>.self, TrainCommand<E>.self, evaluate] + extra,
            defaultSubcommand: AllCommand<E>.self)
    }
}

import ArgumentParser
import ExperimentKit
import Foundation

/// An experiment CLI's common options (scale, cache, output root, …) that can make the experiment.
public protocol ExperimentOptions: ParsableArguments {
    associatedtype Experiment: PaperExperiment
    func experiment() throws -> Experiment
}

/// `targets`: the experiment's outputs, tab-separated (target, paper item, needs, state, files), for reproduce.sh.
public struct TargetsCommand<Options: ExperimentOptions>: ParsableCommand {
    public static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "targets",
                             abstract: "List this experiment's outputs, tab-separated: target, paper item, needs, state (exists/missing), files.")
    }
    @OptionGroup var options: Options
    public init() {}
    public func run() throws { for line in try options.experiment().targetTable() { print(line) } }
}

/// `build TARGET…`: outputs by target name, training only what they need.
public struct BuildCommand<Options: ExperimentOptions>: ParsableCommand {
    public static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "build", abstract: "Build outputs by target name (see `targets`), training only what they need.")
    }
    @OptionGroup var options: Options
    @Argument(help: "Targets (see `targets`).") var targets: [String]
    public init() {}
    public func run() throws { try options.experiment().build(targets: targets) }
}

/// `runs`: every training run, one shell command per line (a cluster, `xargs -P`), or its status and key.
public struct RunsCommand<Options: ExperimentOptions>: ParsableCommand {
    public static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "runs", abstract: "List every training run, one shell command per line (for a cluster or `xargs -P`).")
    }
    @OptionGroup var options: Options
    @Flag(help: "Only runs that are not finished.") var missing = false
    @Flag(help: "Print status and key instead of commands.") var status = false
    public init() {}
    public func run() throws { for line in try options.experiment().runLines(missing: missing, status: status) { print(line) } }
}

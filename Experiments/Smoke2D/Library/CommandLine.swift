import ArgumentParser
import ExperimentCLI
import ExperimentKit
import Foundation
import NPModels
import SmokeSim

extension SmokeExperiment: CommandLineExperiment {
    public static let scales: [ScaleName] = [.ci, .quick, .standard, .paper]
    public static let abstract = "The 2-D smoke-plume experiment of 'Approximately Equivariant Neural Processes' (Sec. 5.2): Table 1 (smoke column), Figures 5 and 6."
    public static let scaleHelp = """
          ci     16 simulations, tiny models, 20 training steps: the whole pipeline in a couple of minutes (tests, CI).
          quick  2,500 simulations, reduced models, 2,000 steps for the CNN models, 1,024 test tasks: under an hour.
          standard  the quick data and models, 12,000 steps for the CNN models, three seeds of every compared pair,
                 4,096 test tasks: about a day on 2 cores, resumable.
          paper  25,000 simulations, the paper's models and budget (500,000 steps, 80,000 test tasks).
        """

    /// `--data`.
    public struct Options: ParsableArguments {
        @Option(help: ArgumentHelp("The smoke data set (default: data/smoke/<scale>; generated there when missing).", valueName: "folder"))
        public var data: String?
        public init() {}
    }

    /// `--model`, `--seed`.
    public struct RunChoice: ParsableArguments {
        @Option(help: "One of: \(SmokeExperiment.models.map(\.rawValue).joined(separator: ", ")).")
        public var model: String
        @Option(help: "Training seed (default: the scale's).")
        public var seed: UInt64?
        public init() {}
    }

    public convenience init(scale: ScaleName, options: Options, resultsRoot: URL, outputRoot: URL) throws {
        let s = try SmokeScale.named(scale.rawValue)
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        self.init(scale: s, resultsRoot: resultsRoot, outputRoot: outputRoot,
                  dataDirectory: URL(fileURLWithPath: options.data ?? "data/smoke/\(s.data.name)", relativeTo: cwd).standardizedFileURL)
    }

    public func run(_ choice: RunChoice) throws -> SmokeRunConfig {
        guard let k = ModelKind(rawValue: choice.model), Self.models.contains(k) else {
            throw ValidationError("unknown smoke model '\(choice.model)'; choose \(Self.models.map(\.rawValue).joined(separator: ", "))")
        }
        return runConfig(k, seed: choice.seed)
    }

    public func summary(_ m: SmokeRunMetrics) -> String {
        String(format: "%@: test %.4f ± %.4f, context %.4f ± %.4f", m.model.displayName, m.test.mean, m.test.standardError,
               m.contextSet.mean, m.contextSet.standardError)
    }
}

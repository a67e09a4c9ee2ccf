import ArgumentParser
import ExperimentCLI
import ExperimentKit
import Foundation
import NPModels

extension EnvironmentExperiment: CommandLineExperiment {
    public static let scales: [ScaleName] = [.ci, .quick, .standard, .paper]
    public static let abstract = "The environmental experiment of 'Approximately Equivariant Neural Processes' (Sec. 5.3) on Colorado station temperatures: Tables 2, 6-9, Figure 2, the deviation map and the claims."
    public static let scaleHelp = """
          ci     tiny models, 20 training steps, 24 test months: the whole pipeline in a couple of minutes (tests, CI).
          quick  reduced models, 600 steps (2-D CNNs) / 1,000 (2-D PT-TNPs) / 250 (4-D), the CNN pairs with 3 seeds:
                 under an hour.
          standard  the quick models, 6,000 steps (2-D) / 1,500 (4-D), every compared pair with 3 seeds, 24 context
                 splits per test month: about a day on 2 cores, resumable.
          paper  the paper's sizes and budget (500,000 steps, 16,000 test tasks per split).
        The station data: scripts/setup-station-data.sh (Debian's r-cran-fields) into data/stations, or --data.
        """

    /// `--data`.
    public struct Options: ParsableArguments {
        @Option(help: ArgumentHelp("The station data directory (default: data/stations, or STATION_DATA_DIR).", valueName: "folder"))
        public var data: String?
        public init() {}
    }

    /// `--model`, `--dimension`, `--fixed-inputs`, `--dropout`, `--seed`.
    public struct RunChoice: ParsableArguments {
        @Option(help: "pt-tnp, pt-tnp-t, pt-tnp-t-approx (2-D and 4-D); convcnp-t, convcnp-t-approx, relaxedconvcnp-t-approx, equivcnp-e, equivcnp-e-approx (2-D).")
        public var model: String
        @Option(help: "2 or 4.") public var dimension: Int = 2
        @Option(name: .customLong("fixed-inputs"), help: "B, 0…1024 (approximately equivariant models; default: the paper's).") public var fixedInputs: Int?
        @Option(help: "Fixed-input dropout of the ConvCNP (T~), 0…0.99 (default 0.5; Table 6 uses 0).") public var dropout: Double?
        @Option(help: "Training seed (default: the scale's).") public var seed: UInt64?
        public init() {}
        public func validate() throws {
            try OptionRange.check(fixedInputs, in: OptionRange.fixedInputs, "--fixed-inputs")
            try OptionRange.check(dropout, in: OptionRange.dropout, "--dropout")
            guard dimension == 2 || dimension == 4 else { throw ValidationError("--dimension is 2 or 4, got \(dimension)") }
        }
    }

    public convenience init(scale: ScaleName, options: Options, resultsRoot: URL, outputRoot: URL) throws {
        guard let s = EnvironmentScale.named(scale.rawValue) else { throw ValidationError("environment has no scale '\(scale)'") }
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        self.init(scale: s, resultsRoot: resultsRoot, outputRoot: outputRoot,
                  dataDirectory: options.data.map { URL(fileURLWithPath: $0, relativeTo: cwd).standardizedFileURL })
    }

    public func run(_ choice: RunChoice) throws -> EnvironmentRunConfig {
        guard choice.dimension == 2 || choice.dimension == 4 else { throw ValidationError("--dimension is 2 or 4") }
        let kinds = choice.dimension == 4 ? Self.models4D : Self.models2D
        guard let k = ModelKind(rawValue: choice.model), kinds.contains(k) else {
            throw ValidationError("unknown \(choice.dimension)-D model '\(choice.model)'; choose one of \(kinds.map(\.rawValue).joined(separator: ", "))")
        }
        if choice.fixedInputs != nil && !k.takesFixedInputCount {
            throw ValidationError("--fixed-inputs applies to approximately equivariant models with fixed inputs")
        }
        if choice.dropout != nil && k != .convCNPTApprox { throw ValidationError("--dropout applies to convcnp-t-approx") }
        return try runConfig(k, dimension: choice.dimension, fixedInputs: choice.fixedInputs, dropout: choice.dropout, seed: choice.seed)
    }

    public func summary(_ m: EnvironmentMetrics) -> String {
        String(format: "%@ %d-D: ID %.3f ± %.3f, OOD %.3f ± %.3f, context %.3f ± %.3f", m.model.displayName, m.taskDimension,
               m.inDistribution.mean, m.inDistribution.standardError, m.outOfDistribution.mean, m.outOfDistribution.standardError,
               m.contextSet.mean, m.contextSet.standardError)
    }
}

import ArgumentParser
import ExperimentCLI
import ExperimentKit
import Foundation
import NPData
import NPModels

extension GibbsKernel: ExpressibleByArgument {}

extension Gibbs1DExperiment: CommandLineExperiment {
    public static let scales: [ScaleName] = [.ci, .quick, .standard, .paper]
    public static let abstract = "The 1-D Gibbs-kernel GP experiment of 'Approximately Equivariant Neural Processes' (Sec. 5.1): Table 1 (1-D columns), Tables 3-5, Figures 1, 3, 4."
    public static let scaleHelp = """
          ci        tiny models, 30 training steps, 64 test tasks: the whole pipeline in a couple of minutes (tests, CI).
          quick     reduced models (D_z 64, 4 layers; C 32, 6 layers), 4,000 steps (800 for the TE-TNPs), 4,096 test
                    tasks, three seeds for the ConvCNP and EquivCNP pairs: about an hour on a 2-core laptop.
          standard  the quick models trained 30,000 steps (4,000 for the TE-TNPs), 8,192 test tasks: about 5 hours
                    on 2 cores, resumable in pieces (`gibbs1d runs --missing --scale standard | xargs -P 2 …`).
          paper     the paper's models and budget: 500,000 steps of 16 tasks, 80,000 test tasks.
        """

    /// `--kernel`.
    public struct Options: ParsableArguments {
        @Option(help: "Kernel generating the data: gibbs-as-released (what the authors' code computed, which made the published numbers; the default) or gibbs (the formula printed in the paper; results in results/gibbs1d/<scale>-gibbs).")
        public var kernel: GibbsKernel = Gibbs1DExperiment.defaultKernel
        public init() {}
    }

    /// `--model`, `--fixed-inputs`, `--seed`.
    public struct RunChoice: ParsableArguments {
        @Option(help: "One of: \(Gibbs1DExperiment.models.map(\.rawValue).joined(separator: ", ")).")
        public var model: String
        @Option(name: .customLong("fixed-inputs"), help: "B, the number of fixed inputs, 0…1024 (approximately equivariant models; default: the paper's).")
        public var fixedInputs: Int?
        @Option(help: "Training seed (default: the scale's; the seed replicates of `runs` use others).")
        public var seed: UInt64?
        public init() {}
        public func validate() throws { try OptionRange.check(fixedInputs, in: OptionRange.fixedInputs, "--fixed-inputs") }
    }

    public convenience init(scale: ScaleName, options: Options, resultsRoot: URL, outputRoot: URL) throws {
        guard let s = Gibbs1DScale.named(scale.rawValue) else { throw ValidationError("gibbs1d has no scale '\(scale)'") }
        self.init(scale: s, kernel: options.kernel, resultsRoot: resultsRoot, outputRoot: outputRoot)
    }

    public func run(_ choice: RunChoice) throws -> RunConfig {
        guard let k = ModelKind(rawValue: choice.model), Self.models.contains(k) else {
            throw ValidationError("unknown model '\(choice.model)'; choose one of \(Self.models.map(\.rawValue).joined(separator: ", "))")
        }
        if choice.fixedInputs != nil && !k.takesFixedInputCount {
            throw ValidationError("--fixed-inputs applies to tnp-t-approx, convcnp-t-approx and equivcnp-e-approx")
        }
        return runConfig(k, fixedInputs: choice.fixedInputs, seed: choice.seed)
    }

    public func summary(_ m: RunMetrics) -> String {
        String(format: "%@ (B = %d): ID %.4f ± %.4f, OOD %.4f ± %.4f, context %.4f ± %.4f", m.model.displayName, m.fixedInputs,
               m.inDistribution.mean, m.inDistribution.standardError, m.outOfDistribution.mean, m.outOfDistribution.standardError,
               m.contextSet.mean, m.contextSet.standardError)
    }
}

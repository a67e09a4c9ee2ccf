import ExperimentKit
import Foundation
import NPModels
import NPTensor
import NPTraining
import StationData

/// What the training data of a run are, as part of its cache key.
public struct EnvironmentDataSetting: Codable, Sendable, Equatable {
    public var source = "COmonthlyMet (Debian r-cran-fields 14.1-1), (Tmax + Tmin) / 2"
    public var trainingRegion = "west of lon -105.2"
    public var trainingYears = "\(StationSplit.trainingYears.lowerBound)-\(StationSplit.trainingYears.upperBound)"
    /// 2: (lon, lat), one month per task; 4: (lon, lat, time, elevation), four consecutive months per task.
    public var dimension: Int
    public var contextRule = "N_c ~ U{max(1, N/100), N/3} per task"
    public var standardisation = "training-split mean/std; lon × cos(mean lat), then lon and lat by one common scale; time in months from the window's centre"
}

/// A training run of the environmental experiment: a model, its schedule and seed on station tasks of one dimension.
public typealias EnvironmentRunConfig = ModelRun<EnvironmentDataSetting>

extension EnvironmentDataSetting: RunDataSetting {
    /// `<kind>-<d>d[-B<count>][-p<dropout>][-seed<n>]`.
    public static func label(of run: ModelRun<EnvironmentDataSetting>) -> String {
        var s = "\(run.model.kind.rawValue)-\(run.data.dimension)d"
        if run.takesFixedInputCount { s += "-B\(run.fixedInputCount)" }
        if let p = run.ablatedDropout { s += "-p\(p)" }
        return s + run.seedSuffix
    }
}

extension ModelRun where Data == EnvironmentDataSetting {
    public var dimension: Int { data.dimension }
    /// The ConvCNP (T̃)'s fixed-input dropout when it is not the default 0.5 (Table 6's ablation).
    public var ablatedDropout: Double? {
        guard model.kind == .convCNPTApprox, let p = model.fixedInputs?.dropout, p != 0.5 else { return nil }
        return p
    }
}

extension EnvironmentExperiment {
    /// The eight 2-D models in the paper's table order, and the three 4-D ones.
    public static let models2D: [ModelKind] = [.ptTNP, .ptTNPT, .ptTNPTApprox, .convCNPT, .convCNPTApprox, .relaxedConvCNP, .equivCNPE, .equivCNPEApprox]
    public static let models4D: [ModelKind] = [.ptTNP, .ptTNPT, .ptTNPTApprox]

    /// The model specification of a kind in a task dimension (B overriding the default; `dropout` overriding the
    /// ConvCNP (T̃)'s p = 0.5 for Table 6).
    public func modelSpec(_ kind: ModelKind, dimension: Int, fixedInputs: Int? = nil, dropout: Double? = nil) throws -> ModelSpec {
        let domain = try data().fixedInputDomain(dimension: dimension)
        if kind.modelClass == "PT-TNP" {
            // Inputs are standardised: positions enter the fixed-input MLP as they are.
            return .attention(kind, sizes: scale.transformer.tnp, inputDimension: dimension, domain: domain, fixedInputCount: fixedInputs,
                              seenDimensions: dimension == 4 ? EnvironmentData.fourDFixedInputDimensions : nil, pseudoTokens: scale.pseudoTokens,
                              initialisation: .calibrated)
        }
        precondition(dimension == 2, "the CNN models run in 2-D only (paper §5.3)")
        return .grid2D(kind, sizes: scale.gridCNN, lattice: nil, domain: domain, fixedInputCount: fixedInputs,
                       dropout: kind == .convCNPTApprox ? dropout ?? 0.5 : 0.5, initialisation: .calibrated)
    }

    public func runConfig(_ kind: ModelKind, dimension: Int = 2, fixedInputs: Int? = nil, dropout: Double? = nil,
                          seed: UInt64? = nil) throws -> EnvironmentRunConfig {
        EnvironmentRunConfig(experiment: Self.name, model: try modelSpec(kind, dimension: dimension, fixedInputs: fixedInputs, dropout: dropout),
                             schedule: scale.schedule(for: kind, dimension: dimension), data: EnvironmentDataSetting(dimension: dimension),
                             seed: seed ?? scale.seed)
    }

    /// Table 9's run for B (B = 0 is ConvCNP (T)).
    public func ablationRun(_ b: Int) throws -> EnvironmentRunConfig {
        b == 0 ? try runConfig(.convCNPT) : try runConfig(.convCNPTApprox, fixedInputs: b)
    }

    /// Table 6's run without dropout (p = 0); p = 0.5 is the main ConvCNP (T̃).
    public func noDropoutRun() throws -> EnvironmentRunConfig { try runConfig(.convCNPTApprox, dropout: 0) }

    /// The main run of a replicated kind (its default B and dropout, in either dimension) gets `scale.seedReplicates`
    /// training seeds; Table 6's and Table 9's extra runs and the other kinds one.
    public func seedReplicates(of run: EnvironmentRunConfig) -> Int {
        guard scale.replicatedKinds.contains(run.model.kind),
              var main = try? runConfig(run.model.kind, dimension: run.dimension) else { return 1 }
        main.seed = run.seed
        return main == run ? scale.seedReplicates : 1
    }

    /// Every training run the outputs need.
    public func allRuns() throws -> [EnvironmentRunConfig] {
        var runs = withSeedReplicates(try Self.models2D.map { try runConfig($0) } + Self.models4D.map { try runConfig($0, dimension: 4) })
        runs.append(try noDropoutRun())
        for b in scale.ablationCounts {
            let c = try ablationRun(b)
            if !runs.contains(c) { runs.append(c) }
        }
        return runs
    }

    public func arguments(selecting run: EnvironmentRunConfig) -> [String] {
        var arguments = ["--model", run.model.kind.rawValue, "--dimension", "\(run.dimension)"]
        if run.model.kind.takesFixedInputCount { arguments += ["--fixed-inputs", "\(run.fixedInputCount)"] }
        if let p = run.ablatedDropout { arguments += ["--dropout", "\(p)"] }
        return arguments + (run.seed == scale.seed ? [] : ["--seed", "\(run.seed)"])
    }

    /// Months of the training region; validation tasks from the training months.
    public func trainingData(for run: EnvironmentRunConfig) throws -> TrainingData {
        let material = try data().tasks(.train, dimension: run.dimension)
        let validation = try validationSet(dimension: run.dimension)
        let batchSize = run.schedule.batchSize
        return TrainingData(validation: { validation.batches }) { rng in
            StationTaskSampling.trainingBatch(material, size: batchSize, using: &rng)
        }
    }
}

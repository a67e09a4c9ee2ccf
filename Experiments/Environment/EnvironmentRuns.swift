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
    public var standardisation = "training-split mean/std; lon and lat by one common scale"
}

/// Everything that determines a training run; its canonical JSON is hashed into the run's cache key.
public struct EnvironmentRunConfig: RunConfiguration {
    public var experiment = "environment"
    /// Bumped when the task construction changes in a way that invalidates results.
    public var dataVersion = 1
    public var model: ModelSpec
    public var schedule: TrainingSchedule
    public var data: EnvironmentDataSetting
    public var seed: UInt64

    public var dimension: Int { data.dimension }
    public var fixedInputCount: Int { model.resolvedFixedInputCount }

    public var label: String {
        var s = "\(model.kind.rawValue)-\(dimension)d"
        if model.kind.takesFixedInputCount { s += "-B\(fixedInputCount)" }
        if model.kind == .convCNPTApprox && model.dropoutConvCNP != 0.5 { s += "-p\(model.dropoutConvCNP)" }
        return s + (seed == 0 ? "" : "-seed\(seed)")
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
        var spec: ModelSpec
        if kind.modelClass == "PT-TNP" {
            spec = ModelSpec(kind: kind, preset: scale.transformer, fixedInputCount: fixedInputs, domain: domain, fourierRange: 1,
                             inputDimension: dimension, fixedInputDimensions: dimension == 4 ? EnvironmentData.fourDFixedInputDimensions : nil)
            spec.positionScale = 1   // inputs are standardised
            spec.pseudoTokenCount = scale.pseudoTokens
        } else {
            precondition(dimension == 2, "the CNN models run in 2-D only (paper §5.3)")
            spec = ModelSpec.grid2D(kind, sizes: scale.gridCNN, lattice: nil, domain: domain, fixedInputCount: fixedInputs)
            if let dropout { spec.dropoutConvCNP = dropout }
        }
        if kind.takesFixedInputCount { spec.fixedInputCount = spec.resolvedFixedInputCount }   // explicit, so defaults share a key
        return spec
    }

    public func runConfig(_ kind: ModelKind, dimension: Int = 2, fixedInputs: Int? = nil, dropout: Double? = nil,
                          seed: UInt64? = nil) throws -> EnvironmentRunConfig {
        EnvironmentRunConfig(model: try modelSpec(kind, dimension: dimension, fixedInputs: fixedInputs, dropout: dropout),
                             schedule: scale.schedule(for: kind, dimension: dimension), data: EnvironmentDataSetting(dimension: dimension),
                             seed: seed ?? scale.seed)
    }

    /// Table 9's run for B (B = 0 is ConvCNP (T)).
    public func ablationRun(_ b: Int) throws -> EnvironmentRunConfig {
        b == 0 ? try runConfig(.convCNPT) : try runConfig(.convCNPTApprox, fixedInputs: b)
    }

    /// Table 6's run without dropout (p = 0); p = 0.5 is the main ConvCNP (T̃).
    public func noDropoutRun() throws -> EnvironmentRunConfig { try runConfig(.convCNPTApprox, dropout: 0) }

    /// Every training run the outputs need.
    public func allRuns() throws -> [EnvironmentRunConfig] {
        var runs = try Self.models2D.map { try runConfig($0) } + Self.models4D.map { try runConfig($0, dimension: 4) }
        runs.append(try noDropoutRun())
        for b in scale.ablationCounts {
            let c = try ablationRun(b)
            if !runs.contains(c) { runs.append(c) }
        }
        return runs
    }

    public func key(_ config: EnvironmentRunConfig) throws -> String { try store.key(config) }

    /// The model with trained weights, training it first if no finished run exists; the finished run's checkpoint
    /// keeps the parameters, log and random states but not the optimiser state.
    public func trainedModel(_ config: EnvironmentRunConfig) throws -> NeuralProcess {
        let d = try data()
        let material = d.tasks(.train, dimension: config.dimension)
        let validation = try validationSet(dimension: config.dimension)
        let batchSize = config.schedule.batchSize
        return try store.trainedModel(config, progress: ProgressReporter(label: "\(experimentName) \(scale.name) \(config.label)", quiet: quiet),
                                           validation: { validation.batches }) { rng in
            StationTaskSampling.trainingBatch(material, size: batchSize, using: &rng)
        }
    }
}

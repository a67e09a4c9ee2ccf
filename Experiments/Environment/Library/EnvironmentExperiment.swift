import ExperimentKit
import Foundation
import NPModels
import NPTensor
import NPTraining
import StationData

/// The paper's environmental experiment (Sec. 5.3, App. E.3) on real Colorado station temperatures instead of
/// ERA5 (Docs/station-data.md): train on the mountains 1935–1980, test in distribution on the mountains 1981–1997 and out of
/// distribution on the plains 1981–1997 with the fixed inputs zeroed. Tables 2, 6, 7, 8, 9, Figure 2, the
/// deviation map, the paired differences and the claims. Every output is built from cached runs and metrics.
public final class EnvironmentExperiment: Experiment {
    public static let name = "environment"
    public let scale: EnvironmentScale
    public let context: ExperimentContext
    public let dataDirectory: URL
    private var loaded: EnvironmentData?
    private var testSets: [String: StationTestSet] = [:]

    /// Test sets are drawn from this seed (streams per split and dimension), independent of training.
    static let testSeed: UInt64 = 20_240_613

    /// `dataDirectory` nil: `data/stations` or `STATION_DATA_DIR`; `data` given: use it (tests, synthetic data).
    public init(scale: EnvironmentScale, resultsRoot: URL, outputRoot: URL, dataDirectory: URL? = nil, data: EnvironmentData? = nil) {
        self.scale = scale; self.dataDirectory = dataDirectory ?? StationDataSet.defaultDirectory; loaded = data
        context = ExperimentContext(experiment: Self.name, scaleName: scale.name, resultsRoot: resultsRoot, outputRoot: outputRoot)
    }

    public var optionArguments: [String] { ["--data", relativePath(dataDirectory)] }

    /// The station data (loaded once). Missing or corrupt files throw a message naming scripts/setup-station-data.sh.
    public func data() throws -> EnvironmentData {
        if let loaded { return loaded }
        let d = try EnvironmentData.load(from: dataDirectory)
        loaded = d
        return d
    }

    /// The fixed-seed test set of a split (ID or OOD) in a dimension: every `testMonthStride`-th month (window)
    /// with `splitsPerTestMonth` (`splitsPerTestWindow`) context/target splits each.
    public func testSet(_ split: StationSplit, dimension: Int) throws -> StationTestSet {
        precondition(split == .idTest || split == .oodTest, "test sets are the ID and OOD splits")
        let key = "\(split.rawValue)-\(dimension)"
        if let s = testSets[key] { return s }
        let s = StationTestSet(try data().tasks(split, dimension: dimension),
                               splits: dimension == 2 ? scale.splitsPerTestMonth : scale.splitsPerTestWindow,
                               stride: scale.testMonthStride, seed: Self.testSeed, stream: split.randomStream + UInt64(dimension) * 16)
        testSets[key] = s
        return s
    }

    /// Fixed-seed validation tasks from the training months.
    public func validationSet(dimension: Int) throws -> StationTestSet {
        let key = "validation-\(dimension)"
        if let s = testSets[key] { return s }
        let s = StationTestSet(try data().tasks(.train, dimension: dimension), count: scale.validationTasks, seed: Self.testSeed,
                               stream: StationSplit.validation.randomStream + UInt64(dimension) * 16)
        testSets[key] = s
        return s
    }

    /// The data description for provenance sidecars.
    public var dataSources: [Provenance.DataSource] {
        let m = loaded?.manifest
        return [Provenance.DataSource(
            name: "COmonthlyMet (Colorado monthly station temperatures) from Debian r-cran-fields, converted to the local station format",
            version: m.map { "\($0.format) version \($0.formatVersion)" } ?? "unknown",
            checksum: m.map { "sha256 of COmonthlyMet.rda: \($0.source.rdaSHA256 ?? "not recorded")" },
            detail: "target (Tmax + Tmin)/2 standardised with the training split (west of -105.2, 1935-1980); ID test: the training stations (west) 1981-1997, OOD test east 1981-1997 with fixed inputs forced to zero; test seed \(Self.testSeed)")]
    }

    /// What a provenance record states about the experiment's configuration.
    public struct Setting: Encodable {
        var experiment: String
        var scale: EnvironmentScale
        var standardisation: StationStandardisation?
        var schedules: [String: TrainingSchedule]
    }

    public var setting: Setting {
        Setting(experiment: Self.name, scale: scale, standardisation: loaded?.standardisation,
                schedules: ["2-D CNN models": scale.schedule(for: .convCNPT, dimension: 2),
                            "2-D PT-TNPs": scale.schedule(for: .ptTNP, dimension: 2),
                            "4-D PT-TNPs": scale.schedule(for: .ptTNP, dimension: 4)])
    }
}

import Foundation
import NPModels
import NPTensor
import StationData

/// The station data as the experiment uses it: the task material of every split in 2-D and 4-D, standardised
/// with the training split's statistics (Docs/station-data.md §5.2), and the fixed-input box in standardised coordinates.
public final class EnvironmentData: @unchecked Sendable {
    public let data: ColoradoMonthlyMet
    public let builder: StationTaskBuilder
    public let standardisation: StationStandardisation
    /// The manifest's description of the local files (format version, source checksums), for provenance.
    public let manifest: StationDataManifest?
    private var material: [String: [StationTaskArrays]] = [:]
    private let lock = NSLock()

    /// The 4-D inputs are (lon, lat, time, elevation); the fixed inputs see these (not time; Docs/station-data.md §5.6).
    public static let fourDFixedInputDimensions = [0, 1, 3]

    public init(data: ColoradoMonthlyMet, manifest: StationDataManifest? = nil) {
        self.data = data
        self.manifest = manifest
        builder = StationTaskBuilder(data: data)
        standardisation = StationStandardisation.fit(builder)
    }

    /// Loads the local format; a missing or corrupt data set throws a message naming the set-up command.
    public static func load(from directory: URL = StationDataSet.defaultDirectory) throws -> EnvironmentData {
        let set = try StationDataSet.load(from: directory)
        return EnvironmentData(data: set.data, manifest: set.manifest)
    }

    /// Every task of a split: one per month (2-D) or per window of four consecutive months (4-D), standardised;
    /// tasks with fewer than two points (none from 1935 on) are left out.
    public func tasks(_ split: StationSplit, dimension: Int) -> [StationTaskArrays] {
        precondition(dimension == 2 || dimension == 4, "the environmental tasks are 2-D or 4-D, not \(dimension)-D")
        let key = "\(split.rawValue)-\(dimension)"
        lock.lock(); defer { lock.unlock() }
        if let m = material[key] { return m }
        let raw = dimension == 2 ? builder.monthlyTasks(split) : builder.windowTasks(split)
        let m = raw.filter { $0.count >= 2 }.map { dimension == 2 ? standardisation.arrays2D($0) : standardisation.arrays4D($0) }
        material[key] = m
        return m
    }

    /// The open training box lon ∈ (−109.5, −105.2), lat ∈ (36.5, 41.5) in standardised coordinates: 2-D
    /// (lon, lat), or 3-D (lon, lat, elevation) for the 4-D models with elevation unbounded.
    public func fixedInputDomain(dimension: Int) -> DomainBox {
        let s = standardisation
        let lower = [Float(s.longitude(TrainingDomain.longitude.lower)), Float(s.latitude(TrainingDomain.latitude.lower))]
        let upper = [Float(s.longitude(TrainingDomain.longitude.upper)), Float(s.latitude(TrainingDomain.latitude.upper))]
        if dimension == 2 { return DomainBox(lower: lower, upper: upper) }
        return DomainBox(lower: lower + [-1e4], upper: upper + [1e4])
    }
}

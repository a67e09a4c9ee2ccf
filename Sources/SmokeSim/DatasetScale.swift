/// The sizes of the smoke data set at each scale, in one place.
///
/// * `paper`: the paper's 25,000 simulations, 20,000 / 2,500 / 2,500 (Docs/paper-spec.md A24); about 10 minutes on 2 cores
///   at 0.025 s per simulation and 4.9 GB on disk (smoke and velocity, float32).
/// * `quick`: a tenth of it, 2,000 / 250 / 250, split in the same proportions: about a minute to generate on
///   2 cores, 490 MB. Each simulation yields 16 non-overlapping 32 × 32 patches and many more overlapping
///   ones, so 2,000 training states give far more distinct tasks than a quick training run of a few thousand
///   steps of 16 tasks consumes; the test split of 250 states keeps the standard error of a mean
///   log-likelihood small.
/// * `ci`: 16 simulations (8 / 4 / 4), under a second: exercises sharding, the manifest and the loaders.
public struct SmokeDataScale: Codable, Sendable, Equatable {
    public var name: String
    public var train: Int
    public var validation: Int
    public var test: Int
    /// Simulations per shard; divides every split size so no shard mixes splits.
    public var shardSize: Int
    /// The data-set seed: with a simulation's index it fixes that simulation's parameters.
    public var seed: UInt64

    public var total: Int { train + validation + test }
    public var shardCount: Int { total / shardSize }

    public static let ci = SmokeDataScale(name: "ci", train: 8, validation: 4, test: 4, shardSize: 4, seed: 20_240_510)
    public static let quick = SmokeDataScale(name: "quick", train: 2_000, validation: 250, test: 250, shardSize: 250, seed: 20_240_510)
    public static let paper = SmokeDataScale(name: "paper", train: 20_000, validation: 2_500, test: 2_500, shardSize: 250, seed: 20_240_510)
    public static let all: [SmokeDataScale] = [.ci, .quick, .paper]

    public static func named(_ name: String) throws -> SmokeDataScale {
        guard let s = all.first(where: { $0.name == name }) else {
            throw SmokeError.invalidArgument("unknown scale '\(name)'; choose \(all.map(\.name).joined(separator: ", "))")
        }
        return s
    }

    public enum Split: String, Codable, Sendable, CaseIterable { case train, validation, test }

    /// Indices 0 ..< train are the training set, then validation, then test.
    public func split(of index: Int) -> Split {
        index < train ? .train : index < train + validation ? .validation : .test
    }

    public func indices(of split: Split) -> Range<Int> {
        switch split {
        case .train: 0..<train
        case .validation: train..<(train + validation)
        case .test: (train + validation)..<total
        }
    }

    public func validate() throws {
        for size in [train, validation, test] where size <= 0 || size % shardSize != 0 {
            throw SmokeError.invalidArgument("scale \(name): split size \(size) is not a positive multiple of the shard size \(shardSize)")
        }
    }
}

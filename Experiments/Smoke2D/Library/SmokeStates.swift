import Foundation
import SmokeSim

/// Final smoke states as the models see them: density divided by the data set's target scale, one
/// `size × size` array per simulation (rows y from the floor up, columns x), with each simulation's plume.
public struct SmokeStates: Sendable {
    public let size: Int
    /// [count · size · size], row-major per state.
    public let values: [Float]
    /// Each state's inflow (nil for states given without parameters, e.g. by a user).
    public let parameters: [PlumeParameters?]
    /// What each state is called in outputs: its simulation index, or the file it came from.
    public let names: [String]

    public init(size: Int, values: [Float], parameters: [PlumeParameters?], names: [String]) {
        precondition(values.count == parameters.count * size * size && names.count == parameters.count, "states and their descriptions disagree")
        self.size = size; self.values = values; self.parameters = parameters; self.names = names
    }

    public var count: Int { parameters.count }

    public func value(_ state: Int, row: Int, column: Int) -> Float { values[(state * size + row) * size + column] }

    /// One split of a generated data set, every shard checked against its SHA-256.
    public static func load(directory: URL, plan: SmokeDatasetPlan, split: SmokeDataScale.Split) throws -> SmokeStates {
        let manifest: SmokeManifest
        do { manifest = try SmokeDatasetGenerator.manifest(in: directory) } catch {
            throw SmokeError.corruptData("no usable smoke data set at \(directory.path) (\(error)); run `smoke2d generate --scale \(plan.scale.name)`")
        }
        guard manifest.plan == plan else {
            throw SmokeError.corruptData("the data set at \(directory.path) was generated with another plan (scale \(manifest.plan.scale.name)); run `smoke2d generate --scale \(plan.scale.name)` into an empty folder")
        }
        let store = ShardStore(directory: directory, plan: plan)
        let n = plan.setup.gridSize, scale = Float(manifest.targetScale)
        var values: [Float] = [], parameters: [PlumeParameters?] = [], names: [String] = []
        for shard in manifest.shards where shard.split == split {
            let array = try store.load(shard.shard, field: "smoke")
            guard array.shape == [shard.count, n, n] else {
                throw SmokeError.corruptData("shard \(shard.shard) has shape \(array.shape), expected [\(shard.count), \(n), \(n)]")
            }
            values += array.values.map { $0 / scale }
            parameters += shard.parameters.map { Optional($0) }
            names += (shard.firstIndex..<(shard.firstIndex + shard.count)).map { "simulation \($0)" }
        }
        guard !names.isEmpty else { throw SmokeError.corruptData("the data set at \(directory.path) has no \(split.rawValue) simulations") }
        return SmokeStates(size: n, values: values, parameters: parameters, names: names)
    }

    /// States given as `.npy` files of shape [128, 128] or [S, 128, 128] in the simulator's layout (float32,
    /// rows y from the floor up), divided by `targetScale` — e.g. final states made with PhiFlow itself.
    public static func load(npyFiles: [URL], size: Int, targetScale: Double) throws -> SmokeStates {
        var values: [Float] = [], names: [String] = []
        for url in npyFiles {
            let a = try Npy.read(url)
            let count: Int
            switch a.shape.count {
            case 2 where a.shape == [size, size]: count = 1
            case 3 where Array(a.shape.dropFirst()) == [size, size]: count = a.shape[0]
            default:
                throw SmokeError.invalidArgument("\(url.path): shape \(a.shape); expected [\(size), \(size)] or [S, \(size), \(size)] float32 smoke states")
            }
            guard a.values.allSatisfy(\.isFinite) else { throw SmokeError.invalidArgument("\(url.path) contains NaN or infinite values") }
            values += a.values.map { $0 / Float(targetScale) }
            names += (0..<count).map { count == 1 ? url.lastPathComponent : "\(url.lastPathComponent)[\($0)]" }
        }
        guard !names.isEmpty else { throw SmokeError.invalidArgument("no .npy states given") }
        return SmokeStates(size: size, values: values, parameters: .init(repeating: nil, count: names.count), names: names)
    }
}

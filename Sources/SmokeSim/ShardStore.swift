import Foundation

/// One file of a shard and its checksum.
public struct ShardFile: Codable, Sendable, Equatable {
    public var name: String
    public var shape: [Int]
    public var bytes: Int
    public var sha256: String
}

/// The record written after a shard's arrays (its completion marker): what it holds and the files' checksums.
public struct ShardRecord: Codable, Sendable, Equatable {
    public var version: String
    public var shard: Int
    public var split: SmokeDataScale.Split
    public var firstIndex: Int
    public var count: Int
    public var parameters: [PlumeParameters]
    public var files: [ShardFile]
}

/// Reading and writing the shards of one data-set folder:
/// `shards/shard-NNNN.{smoke,vx,vy}.npy` (float32: [S, n, n] raw smoke density, [S, n, n − 1], [S, n − 1, n])
/// and `shards/shard-NNNN.json` (`ShardRecord`). Every file is written atomically; the record goes last.
public struct ShardStore: Sendable {
    public let directory: URL
    public let plan: SmokeDatasetPlan

    public init(directory: URL, plan: SmokeDatasetPlan) { self.directory = directory; self.plan = plan }

    public static let fields = ["smoke", "vx", "vy"]

    public func fileURL(_ shard: Int, _ field: String) -> URL {
        directory.appendingPathComponent("shards").appendingPathComponent(String(format: "shard-%04d.%@.npy", shard, field))
    }
    public func recordURL(_ shard: Int) -> URL {
        directory.appendingPathComponent("shards").appendingPathComponent(String(format: "shard-%04d.json", shard))
    }

    func shapes(count: Int) -> [String: [Int]] {
        let n = plan.setup.gridSize
        return ["smoke": [count, n, n], "vx": [count, n, n - 1], "vy": [count, n - 1, n]]
    }

    /// Simulates and writes shard `shard` with `simulator` (which must use `plan.setup`).
    @discardableResult
    public func generate(_ shard: Int, simulator: SmokeSimulator) throws -> ShardRecord {
        let range = plan.shardRange(shard)
        var arrays: [String: [Float]] = ["smoke": [], "vx": [], "vy": []]
        var parameters: [PlumeParameters] = []
        for index in range {
            let p = plan.parameters(at: index)
            let r = try simulator.runSmokeVelocity32(p)
            arrays["smoke"]! += r.smoke; arrays["vx"]! += r.vx; arrays["vy"]! += r.vy
            parameters.append(p)
        }
        let shapes = shapes(count: range.count)
        var files: [ShardFile] = []
        for field in ShardStore.fields {
            let data = Npy.encode(arrays[field]!, shape: shapes[field]!)
            try atomicWrite(data, to: fileURL(shard, field))
            files.append(ShardFile(name: fileURL(shard, field).lastPathComponent, shape: shapes[field]!, bytes: data.count,
                                   sha256: SHA256.hex(data)))
        }
        let record = ShardRecord(version: SmokeDatasetPlan.version, shard: shard, split: plan.scale.split(of: range.lowerBound),
                                 firstIndex: range.lowerBound, count: range.count, parameters: parameters, files: files)
        try atomicWrite(try jsonEncoder().encode(record), to: recordURL(shard))
        return record
    }

    /// The shard's record if the shard is complete and intact; otherwise throws `SmokeError.corruptData`
    /// saying what is wrong (missing, truncated, checksum mismatch, made by another plan or version).
    public func verify(_ shard: Int, checksums: Bool = true) throws -> ShardRecord {
        let url = recordURL(shard)
        guard let data = try? Data(contentsOf: url) else { throw SmokeError.corruptData("shard \(shard): no record \(url.path) (never finished)") }
        guard let record = try? JSONDecoder().decode(ShardRecord.self, from: data) else {
            throw SmokeError.corruptData("shard \(shard): record \(url.path) is not valid JSON")
        }
        let range = plan.shardRange(shard)
        guard record.version == SmokeDatasetPlan.version else {
            throw SmokeError.corruptData("shard \(shard): made by \(record.version), this program writes \(SmokeDatasetPlan.version)")
        }
        guard record.firstIndex == range.lowerBound, record.count == range.count,
              record.parameters == range.map({ plan.parameters(at: $0) }) else {
            throw SmokeError.corruptData("shard \(shard): its simulations' parameters differ from this data set's plan (other seed or scale)")
        }
        for file in record.files {
            let f = directory.appendingPathComponent("shards").appendingPathComponent(file.name)
            guard let attrs = try? FileManager.default.attributesOfItem(atPath: f.path), let size = attrs[.size] as? Int else {
                throw SmokeError.corruptData("shard \(shard): \(f.path) is missing")
            }
            guard size == file.bytes else {
                throw SmokeError.corruptData("shard \(shard): \(f.path) has \(size) bytes, expected \(file.bytes) (truncated or overwritten)")
            }
            if checksums {
                let digest = try SHA256.hex(fileAt: f)
                guard digest == file.sha256 else {
                    throw SmokeError.corruptData("shard \(shard): \(f.path) fails its SHA-256 check (corrupt); expected \(file.sha256), found \(digest)")
                }
            }
        }
        return record
    }

    /// Loads one field of a shard after checking size and checksum against its record: [S × shape] float32.
    public func load(_ shard: Int, field: String) throws -> Npy.Array {
        guard ShardStore.fields.contains(field) else { throw SmokeError.invalidArgument("unknown field '\(field)'; choose smoke, vx or vy") }
        let record: ShardRecord
        do { record = try verify(shard, checksums: false) } catch SmokeError.corruptData(let why) {
            throw SmokeError.corruptData("\(why); run `smoke2d generate` again to regenerate it")
        }
        let url = fileURL(shard, field)
        guard let data = try? Data(contentsOf: url) else { throw SmokeError.corruptData("shard \(shard): cannot read \(url.path)") }
        let expected = record.files.first { $0.name == url.lastPathComponent }
        guard let expected, SHA256.hex(data) == expected.sha256 else {
            throw SmokeError.corruptData("shard \(shard): \(url.path) fails its SHA-256 check (corrupt); run `smoke2d generate` again to regenerate it")
        }
        return try Npy.decode(data, name: url.path)
    }
}

func jsonEncoder() -> JSONEncoder {
    let e = JSONEncoder()
    e.outputFormatting = [.prettyPrinted, .sortedKeys]
    return e
}

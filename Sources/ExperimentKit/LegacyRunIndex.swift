import Foundation

/// Finds the run folders named under an earlier model-spec schema (`ModelSpec.schemaVersion`), so that runs trained
/// before a schema change are used where they are, without retraining and without renaming (a rename would rewrite
/// every committed run). A folder's `config.json` is read as the store's configuration type, which converts an older
/// model spec to the current one; when the current key of that configuration is not the folder's name, the folder
/// is that key's run. Folders are read once per process; new folders are read when a key is not found.
final class LegacyRunIndex: @unchecked Sendable {
    private let lock = NSLock()
    private struct Folder: Hashable { let type: ObjectIdentifier; let name: String }
    /// Folders read so far, with the current key of their configuration when it differs from the folder's name
    /// (absent: unreadable as the type, or named by the current schema already).
    private var read: Set<Folder> = []
    private var renamed: [Folder: String] = [:]

    /// The folder holding the run whose current key is `key`, if one was named under an earlier schema. Two such
    /// folders for one configuration are an error naming both.
    func folder<C: RunConfiguration>(forSchemaKey key: String, of type: C.Type, in store: RunStore) throws -> String? {
        let runs = store.base.appendingPathComponent("runs")
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: runs.path) else { return nil }
        let label = key.split(separator: "-").dropLast().joined(separator: "-")
        lock.lock(); defer { lock.unlock() }
        var matches: [String] = []
        for name in names.sorted() where name.hasPrefix(label + "-") && name != key {
            let folder = Folder(type: ObjectIdentifier(type), name: name)
            if read.insert(folder).inserted {
                let config = try? readJSON(C.self, from: runs.appendingPathComponent(name).appendingPathComponent("config.json"))
                if let current = config.flatMap({ try? store.schemaKey($0) }), current != name { renamed[folder] = current }
            }
            if renamed[folder] == key { matches.append(name) }
        }
        if matches.count > 1 {
            throw ExperimentError.corrupt("\(runs.path): the run folders \(matches.joined(separator: " and ")) hold the same configuration (key \(key)); keep one")
        }
        return matches.first
    }
}

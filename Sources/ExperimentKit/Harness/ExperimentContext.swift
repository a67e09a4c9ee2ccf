import Foundation

/// What every experiment has, whatever it computes: its name and scale, the run store (checkpoints and metrics),
/// where its outputs go, and a voice for progress messages.
public final class ExperimentContext: @unchecked Sendable {
    /// The experiment's name: its command, its results folder `results/<name>/…` and its output files' suffix.
    public let experiment: String
    /// The name of the budget, as the outputs' notes and provenance state it.
    public let scaleName: String
    public let store: RunStore
    /// Where `figures/` and `tables/` go.
    public let outputRoot: URL
    /// No progress messages.
    public var quiet = false

    /// `storeScale`: the folder of the runs under `results/<experiment>/`, when it differs from the scale's name
    /// (a variant of a scale, such as another data kernel, keeps its own runs).
    public init(experiment: String, scaleName: String, storeScale: String? = nil, resultsRoot: URL, outputRoot: URL) {
        self.experiment = experiment; self.scaleName = scaleName; self.outputRoot = outputRoot
        store = RunStore(root: resultsRoot, experiment: experiment, scale: storeScale ?? scaleName, keepsOptimiserStateWhenDone: false)
    }

    public var figuresDirectory: URL { outputRoot.appendingPathComponent("figures") }
    public var tablesDirectory: URL { outputRoot.appendingPathComponent("tables") }

    /// A progress message on standard error, prefixed with the experiment and scale.
    public func say(_ message: String) {
        if !quiet { warn(message) }
    }

    /// A warning on standard error, shown even with `quiet`.
    public func warn(_ message: String) {
        FileHandle.standardError.write(Data("[\(experiment) \(scaleName)] \(message)\n".utf8))
    }

    /// `url` relative to the current directory when it lies inside it (messages, commands and provenance records
    /// then name no machine's folders).
    public func relativePath(_ url: URL) -> String { ExperimentContext.relativePath(url) }

    public static func relativePath(_ url: URL) -> String {
        let path = url.standardizedFileURL.path
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).standardizedFileURL.path + "/"
        return path.hasPrefix(cwd) ? String(path.dropFirst(cwd.count)) : path
    }

    /// `url` relative to the output root (how provenance records and `targets` name an output).
    public func outputPath(_ url: URL) -> String {
        let path = url.standardizedFileURL.path, root = outputRoot.standardizedFileURL.path + "/"
        return path.hasPrefix(root) ? String(path.dropFirst(root.count)) : path
    }
}

extension ExperimentContext {
    /// Throws, naming the folder, when the output root (and its `tables/` and `figures/`) or the results folder cannot
    /// be written: checked before any training starts, so that an unwritable `--out` does not fail after an hour.
    public func checkWritable(outputs: Bool = true) throws {
        var folders = [store.root]
        if outputs { folders += [outputRoot, tablesDirectory, figuresDirectory] }
        for folder in folders {
            var probe = folder.standardizedFileURL
            // The nearest folder that exists is the one a write would need to create the rest in.
            while !FileManager.default.fileExists(atPath: probe.path) && probe.path != "/" { probe.deleteLastPathComponent() }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: probe.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ExperimentError.usage("cannot write into \(relativePath(folder)): \(relativePath(probe)) is a file, not a folder")
            }
            guard access(probe.path, W_OK) == 0 else {
                throw ExperimentError.usage("cannot write into \(relativePath(folder)): \(relativePath(probe)) is not writable; choose another folder (--out, --results) or fix its permissions")
            }
        }
    }
}

import Foundation

/// One output of the paper that an experiment makes: the name `reproduce.sh` knows it by, the paper item,
/// what it needs, and the files it writes (relative to the experiment's output root).
public struct PaperOutput: Codable, Sendable, Equatable {
    /// `table1`, `figure3`, `ground-truth`, …
    public var target: String
    /// "Table 1 (1-D columns)", "Figure 3", …
    public var paperItem: String
    /// What building it trains or computes, for `--list`.
    public var needs: String
    /// The files it writes, relative to the output root (the first is the one `--list` checks).
    public var files: [String]
    public init(target: String, paperItem: String, needs: String, files: [String]) {
        self.target = target; self.paperItem = paperItem; self.needs = needs; self.files = files
    }
}

/// An experiment as the front door sees it: a name, the outputs it makes, and the training runs they need.
/// Each experiment's CLI exposes these (`targets`, `build TARGET`, `runs`) so that `reproduce.sh` treats every
/// experiment the same way.
public protocol PaperExperiment: AnyObject {
    /// The name of the experiment and of its results folder, `results/<name>/<scale>/`.
    var experimentName: String { get }
    /// Where `figures/` and `tables/` go.
    var outputRoot: URL { get }
    var outputs: [PaperOutput] { get }
    /// Builds one output (training and evaluating only what is missing).
    func build(_ target: String) throws
    /// One line per training run: its key and whether it has finished.
    func runStatus() throws -> [(key: String, done: Bool, command: String)]
    /// The report's section title for this experiment.
    var reportTitle: String { get }
    /// The report's prose for this experiment: what was run, the budget, the known deviations.
    var reportNotes: [String] { get }
}

extension PaperExperiment {
    /// A file of `outputs`: relative to the output root unless absolute.
    func path(_ file: String) -> String {
        let full = file.hasPrefix("/") ? file : outputRoot.appendingPathComponent(file).standardizedFileURL.path
        let cwd = FileManager.default.currentDirectoryPath + "/"
        return full.hasPrefix(cwd) ? String(full.dropFirst(cwd.count)) : full
    }

    /// The output whose target is `target`, or a usage error listing the targets there are.
    public func output(_ target: String) throws -> PaperOutput {
        guard let o = outputs.first(where: { $0.target == target }) else {
            throw ExperimentError.usage("\(experimentName) makes no '\(target)'; its targets: \(outputs.map(\.target).joined(separator: ", "))")
        }
        return o
    }

    /// Tab-separated lines `target, paper item, needs, state, files (comma-separated)` for `reproduce.sh`.
    public func targetTable() -> [String] {
        outputs.map { o in
            let exists = o.files.allSatisfy { FileManager.default.fileExists(atPath: path($0)) }
            return [o.target, o.paperItem, o.needs, exists ? "exists" : "missing", o.files.map(path).joined(separator: ",")].joined(separator: "\t")
        }
    }
}

extension PaperExperiment {
    /// Builds the named outputs, checking every name before any work starts.
    public func build(targets: [String]) throws {
        for t in targets { _ = try output(t) }
        for t in targets { try build(t) }
    }

    /// Builds every output, in the order `outputs` lists them.
    public func buildAll() throws { try build(targets: outputs.map(\.target)) }

    /// The lines of a CLI's `runs` subcommand: one shell command per run, or its status and key.
    public func runLines(missing: Bool, status: Bool) throws -> [String] {
        try runStatus().filter { !(missing && $0.done) }.map { status ? "\($0.done ? "done   " : "missing") \($0.key)" : $0.command }
    }
}

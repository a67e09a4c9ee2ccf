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

    /// A table's files: `.tex`, `.md`, `.json` and the provenance sidecar (then `extra` endings) of each name.
    public static func table(_ target: String, names: [String], item: String, needs: String, extra: [String] = []) -> PaperOutput {
        PaperOutput(target: target, paperItem: item, needs: needs,
                    files: names.flatMap { n in (["tex", "md", "json", "provenance.json"] + extra).map { "tables/\(n).\($0)" } })
    }

    /// A figure's files: `.png`, `.pdf`, the caption and the provenance sidecar (then `extra` endings).
    public static func figure(_ target: String, name: String, item: String, needs: String, extra: [String] = []) -> PaperOutput {
        PaperOutput(target: target, paperItem: item, needs: needs,
                    files: (["png", "pdf", "caption.txt", "provenance.json"] + extra).map { "figures/\(name).\($0)" })
    }
}

/// An output of experiment `E` with the step that builds it.
public struct ExperimentOutput<E> {
    public var output: PaperOutput
    public var build: (E) throws -> Void
    public init(_ output: PaperOutput, build: @escaping (E) throws -> Void) { self.output = output; self.build = build }
}

/// An experiment as the front door sees it, whatever its types: a name, the outputs it makes, and the training
/// runs they need. Every `Experiment` is one; `reproduce.sh` and the report treat them all the same way.
public protocol PaperExperiment: AnyObject {
    /// The name of the experiment and of its results folder, `results/<name>/<scale>/`.
    var experimentName: String { get }
    /// Where `figures/` and `tables/` go.
    var outputRoot: URL { get }
    var outputs: [PaperOutput] { get }
    /// Builds one output (training and evaluating only what is missing).
    func build(_ target: String) throws
    /// One line per training run: its key, whether it has finished, and the shell command that finishes it.
    func runStatus() throws -> [(key: String, done: Bool, command: String)]
    /// The report's section title for this experiment.
    var reportTitle: String { get }
    /// The experiment in a word or two ("1-D GP"), for tables with a row per claim.
    var shortTitle: String { get }
    /// The report's prose for this experiment: what was run, the budget, the known deviations.
    var reportNotes: [String] { get }
    /// The training budget its verdicts rest on, in a few words with the share of the paper's steps and the seeds
    /// ("CNNs 2,000 steps (0.4 % of the paper's) …"), for the scoreboard and the claims tables.
    var budgetSummary: String { get }
    /// The ids of the claims the paper's argument rests on (each approximately equivariant model against its
    /// equivariant counterpart, out-of-distribution behaviour, the first fixed input), which the README lists one by
    /// one with the smallest effect its run could resolve; the other claims are counted in the scoreboard only.
    var centralClaims: [String] { get }
}

/// "2,000 steps (0.4 %)": a step count with its share of the paper's 500,000.
public func stepsWithShare(_ steps: Int, paper: Int = 500_000) -> String {
    let share = 100 * Double(steps) / Double(paper)
    let formatted = share >= 1 ? String(format: "%.0f", share) : share >= 0.1 ? String(format: "%.1f", share) : String(format: "%.2f", share)
    return "\(groupedThousands(steps)) steps (\(formatted) %)"
}

/// 12000 → "12,000".
public func groupedThousands(_ n: Int) -> String {
    let digits = String(abs(n))
    var out = ""
    for (i, c) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(c)
    }
    return (n < 0 ? "-" : "") + out
}

extension Experiment {
    public var outputs: [PaperOutput] { outputDefinitions.map(\.output) }

    public func build(_ target: String) throws {
        guard let o = outputDefinitions.first(where: { $0.output.target == target }) else { _ = try output(target); return }
        try o.build(self)
    }
}

extension PaperExperiment {
    /// A file of `outputs`, relative to the current directory when inside it.
    func path(_ file: String) -> String {
        let full = file.hasPrefix("/") ? URL(fileURLWithPath: file) : outputRoot.appendingPathComponent(file)
        return ExperimentContext.relativePath(full)
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

    /// Builds the named outputs, checking every name before any work starts.
    public func build(targets: [String]) throws {
        for t in targets { _ = try output(t) }
        for t in targets { try build(t) }
    }

    /// Builds every output, in the order `outputs` lists them.
    public func buildAll() throws { try build(targets: outputs.map(\.target)) }

    /// The lines of the `runs` subcommand: one shell command per run, or its status and key.
    public func runLines(missing: Bool, status: Bool) throws -> [String] {
        try runStatus().filter { !(missing && $0.done) }.map { status ? "\($0.done ? "done   " : "missing") \($0.key)" : $0.command }
    }
}

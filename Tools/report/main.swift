// np-report: the reproduction report, the README's claims scoreboard and the claim tables of Docs/results-*.md, all generated
// from the cached results.
//
//   np-report pdf [--scale quick] [--out report]   →  report/reproduction-<scale>.pdf (trains nothing)
//   np-report readme [--readme README.md] [--docs Docs]  →  the claims scoreboard into README, each experiment's claim verdicts
//                                                         (every scale run, largest first) into Docs/results-<experiment>.md
//   np-report experiments [--scale S]              →  the registered experiments (that have scale S), in order
//   np-report targets --scale S                    →  every output of every experiment at S, tab-separated
//   np-report publish                              →  tables/ and figures/: each output at the largest scale that has it
import ArgumentParser
import AtomicFile
import ExperimentCLI
import ExperimentKit
import ExperimentRegistry
import Foundation
import NPReport

@main
struct NPReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "np-report",
        abstract: "The reproduction report (PDF), the README's claims scoreboard and the results pages' claim tables, generated from the cached results.",
        subcommands: [PDF.self, Readme.self, Experiments.self, Targets.self, Publish.self])
}

/// Every registered experiment that has this scale, with the output root reproduce.sh uses.
func experiments(scale: ScaleName, results: String, outputs: String? = nil) throws -> [any PaperExperiment] {
    let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    return try ExperimentRegistry.paper.experiments(at: scale, resultsRoot: URL(fileURLWithPath: results, relativeTo: cwd),
                                                    outputRoot: outputs.map { URL(fileURLWithPath: $0, relativeTo: cwd) })
}

struct Experiments: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The registered experiments, in the order they run, one name per line.")
    @Option(help: "Only those that have this scale.") var scale: ScaleName?
    func run() throws { for name in ExperimentRegistry.paper.names(at: scale) { print(name) } }
}

struct Targets: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Every output of every experiment at a scale, tab-separated: experiment, target, paper item, needs, state, files.")
    @Option(help: "The scale.") var scale: ScaleName = .quick
    @Option(help: "Cache of runs and metrics.") var results = "results"
    @Option(help: "Root of the outputs (default: outputs/<scale>).") var outputs: String?
    func run() throws {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        for line in try ExperimentRegistry.paper.targetTable(at: scale, resultsRoot: URL(fileURLWithPath: results, relativeTo: cwd),
                                                             outputRoot: outputs.map { URL(fileURLWithPath: $0, relativeTo: cwd) }) {
            print(line)
        }
    }
}

struct Publish: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy each output of every experiment, at the largest scale that has it (paper, standard, quick), from outputs/<scale>/ into tables/ and figures/.")
    @Option(help: "Cache of runs and metrics.") var results = "results"
    func run() throws {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let published = try ExperimentRegistry.paper.publish(root: cwd, resultsRoot: URL(fileURLWithPath: results, relativeTo: cwd))
        for (experiment, scale) in Dictionary(grouping: published, by: { "\($0.experiment)\t\($0.scale)" }).keys.sorted().map({ k -> (String, String) in
            let parts = k.split(separator: "\t").map(String.init); return (parts[0], parts[1]) }) {
            let targets = published.filter { $0.experiment == experiment && $0.scale.rawValue == scale }.map(\.target)
            print("np-report: tables/ and figures/: \(experiment) at \(scale): \(targets.joined(separator: ", "))")
        }
    }
}

func verdicts(_ e: any PaperExperiment) -> [EvaluatedClaim]? {
    let url = e.outputRoot.appendingPathComponent("tables/claims-\(e.experimentName).verdicts.json")
    return try? readJSON([EvaluatedClaim].self, from: url)
}

struct Readme: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the claims scoreboard into the README and each experiment's claims (every scale that has them, largest first) into its results page in Docs/.")
    @Option(help: "The README to update (its scoreboard block).") var readme = "README.md"
    @Option(help: "The folder of the results pages (Docs/results-<experiment>.md, each with its claims block).") var docs = "Docs"
    @Option(help: "Cache of runs and metrics.") var results = "results"
    func run() throws {
        // Every scale's verdicts that exist, largest scale first; ci is a smoke test of the pipeline, never shown.
        var byExperiment: [(name: String, title: String, budget: String, scales: [(scale: String, claims: [EvaluatedClaim])])] = []
        var central: [String: [String]] = [:], shortTitles: [String: String] = [:]
        for scale in [ScaleName.paper, .standard, .quick] {
            for e in try experiments(scale: scale, results: results) {
                guard let v = verdicts(e) else { continue }
                central[e.experimentName] = e.centralClaims
                shortTitles[e.experimentName] = e.shortTitle
                if let i = byExperiment.firstIndex(where: { $0.name == e.experimentName }) {
                    byExperiment[i].scales.append((scale.rawValue, v))
                } else {
                    byExperiment.append((e.experimentName, e.reportTitle, e.budgetSummary, [(scale.rawValue, v)]))
                }
            }
        }
        // Each experiment's full claims block, into its results page.
        let docsURL = URL(fileURLWithPath: docs)
        for (name, _, _, scales) in byExperiment {
            let page = docsURL.appendingPathComponent(ClaimsDocument.resultsPage(name))
            guard let text = try? String(contentsOf: page, encoding: .utf8), text.contains(ClaimsDocument.startMarker(name)) else {
                FileHandle.standardError.write(Data("np-report: \(page.relativePath) has no block \(ClaimsDocument.startMarker(name)) … \(ClaimsDocument.endMarker(name)); the claims of \(name) are in tables/claims-\(name).md only\n".utf8))
                continue
            }
            let updated = try ClaimsDocument.splice(text, experiment: name, content: ClaimsDocument.markdown(byScale: scales))
            try writeAtomically(Data(updated.utf8), to: page)
            print("np-report: \(page.relativePath): claims of \(name) updated (scales \(scales.map(\.scale).joined(separator: ", ")))")
        }
        // The scoreboard: one row per experiment, at the largest scale that has verdicts, linking to its page.
        let readmeURL = URL(fileURLWithPath: readme)
        let pagePrefix = relativePath(from: readmeURL.deletingLastPathComponent(), to: docsURL)
        let rows = byExperiment.map { e in
            ClaimsDocument.ScoreboardRow(title: e.title, scale: e.scales[0].scale,
                                         page: pagePrefix + ClaimsDocument.resultsPage(e.name), claims: e.scales[0].claims, budget: e.budget,
                                         experiment: e.name, shortTitle: shortTitles[e.name] ?? e.title)
        }
        let text = try String(contentsOf: readmeURL, encoding: .utf8)
        var updated = try ClaimsDocument.splice(text, experiment: ClaimsDocument.scoreboardBlock, content: ClaimsDocument.scoreboard(rows))
        if updated.contains(ClaimsDocument.startMarker(ClaimsDocument.centralBlock)) {
            updated = try ClaimsDocument.splice(updated, experiment: ClaimsDocument.centralBlock, content: ClaimsDocument.central(rows, ids: central))
        }
        try writeAtomically(Data(updated.utf8), to: readmeURL)
        print("np-report: \(readme): scoreboard updated (\(rows.map { "\($0.title.prefix(24))… at \($0.scale)" }.joined(separator: "; ")))")
    }

    /// The path of `to` relative to the folder `from`, ending in "/" ("Docs/"; "" when they are the same folder).
    func relativePath(from: URL, to: URL) -> String {
        let a = from.standardizedFileURL.pathComponents, b = to.standardizedFileURL.pathComponents
        let common = zip(a, b).prefix { $0.0 == $0.1 }.count
        let parts = Array(repeating: "..", count: a.count - common) + b[common...]
        return parts.isEmpty ? "" : parts.joined(separator: "/") + "/"
    }
}

struct PDF: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Build report/reproduction-<scale>.pdf from the outputs that exist (trains nothing).")
    @Option(help: "ci, quick, standard or paper.") var scale: ScaleName = .quick
    @Option(help: "Folder of the PDF.") var out = "report"
    @Option(help: "Cache of runs and metrics.") var results = "results"
    @Option(help: "Root of the experiments' figures/ and tables/ (default: outputs/<scale>).") var outputs: String?
    @Option(help: "Also keep the LaTeX source and log in this folder (to edit the report or read pdflatex's warnings).") var keep: String?

    func run() throws {
        let all = try experiments(scale: scale, results: results, outputs: outputs)
        // The paper's Table 1 opens the report: the joined table (1-D and smoke columns) where it exists.
        let opening = all.compactMap { e -> ReportDocument.Table? in
            let f = e.outputRoot.appendingPathComponent("tables/table1.tex").standardizedFileURL.path
            return FileManager.default.fileExists(atPath: f) ? ReportDocument.Table(path: f, number: "1") : nil
        }.prefix(1)
        var numbering = ReportNumbering(skipping: opening.isEmpty ? [] : ["tables/table1.tex", "tables/table1-gibbs1d.tex", "tables/table1-smoke.tex"])
        let sections = all.map { section($0, numbering: &numbering) }
        // The scoreboard: per experiment, how many claims each verdict got at this scale, and the budget.
        let scoreboard = all.compactMap { e -> ReportDocument.ScoreRow? in
            guard let v = verdicts(e) else { return nil }
            func n(_ k: Verdict) -> Int { v.filter { $0.verdict == k }.count }
            return ReportDocument.ScoreRow(experiment: e.reportTitle, claims: v.count, supported: n(.supported), contradicted: n(.contradicted),
                                           notResolved: n(.notResolved) + n(.notMeasured), budget: e.budgetSummary + " (the paper: 500,000 steps)")
        }
        let git = Provenance.gitState()
        let machine = Provenance.currentMachine()
        let doc = ReportDocument(
            title: "Approximately Equivariant Neural Processes — reproduction report (scale '\(scale)')",
            summary: [
                "This report collects every table and figure this Swift reproduction of Ashman et al., “Approximately Equivariant Neural Processes” (NeurIPS 2024), has produced at scale '\(scale)', each next to the paper's claim it tests. Outputs not yet built are listed by ./reproduce.sh --list.",
                "Tables and figures carry the paper's numbers (Table 2 here is the paper's Table 2); outputs beyond the paper are numbered S1, S2 and so on. A claim contradicted here is contradicted at this scale's budget, a small share of the paper's.",
            ] + [
                "Commit \(git.commit)\(git.dirty ? " (with uncommitted changes)" : ""); machine: \(machine.cpu), \(machine.cores) cores, \(machine.blas). Generated \(ISO8601DateFormatter().string(from: Date())) by np-report from the cached results; nothing was trained to make it.",
                "Verdicts: \(Verdict.rule) Model comparisons are paired over the same test tasks.",
            ],
            scoreboard: scoreboard, opening: Array(opening), sections: sections)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("np-report-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let tex = scratch.appendingPathComponent("report.tex")
        try Data(doc.latex().utf8).write(to: tex)
        for _ in 0..<2 {   // twice: longtable column widths settle on the second run
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "report.tex"]
            p.currentDirectoryURL = scratch
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run(); p.waitUntilExit()
            guard p.terminationStatus == 0 else {
                let log = (try? String(contentsOf: scratch.appendingPathComponent("report.log"), encoding: .utf8)) ?? ""
                let error = log.split(separator: "\n").filter { $0.hasPrefix("!") }.prefix(3).joined(separator: "\n")
                throw ValidationError("pdflatex failed on the report: \(error)")
            }
        }
        let log = (try? String(contentsOf: scratch.appendingPathComponent("report.log"), encoding: .utf8)) ?? ""
        let overfull = log.components(separatedBy: "Overfull \\hbox").count - 1
        if let keep {
            for f in ["report.tex", "report.log"] {
                try writeAtomically(try Data(contentsOf: scratch.appendingPathComponent(f)), to: URL(fileURLWithPath: keep).appendingPathComponent(f))
            }
        }
        let pdf = URL(fileURLWithPath: out).appendingPathComponent("reproduction-\(scale).pdf")
        try writeAtomically(try Data(contentsOf: scratch.appendingPathComponent("report.pdf")), to: pdf)
        print("np-report: wrote \(pdf.path) (\(sections.count) experiment sections, \(overfull) overfull lines)")
    }

    func section(_ e: any PaperExperiment, numbering: inout ReportNumbering) -> ReportDocument.Section {
        func full(_ f: String) -> String { f.hasPrefix("/") ? f : e.outputRoot.appendingPathComponent(f).standardizedFileURL.path }
        let existing = e.outputs.filter { o in o.files.allSatisfy { FileManager.default.fileExists(atPath: full($0)) } }
        var tables: [ReportDocument.Table] = [], figures: [ReportDocument.Figure] = []
        for o in existing {
            for f in o.files where f.hasSuffix(".tex") && !f.contains("claims-") && !numbering.skipped.contains(f) {
                tables.append(ReportDocument.Table(path: full(f), number: numbering.next(.table, paperItem: o.paperItem)))
            }
            for f in o.files where f.hasSuffix(".pdf") {
                let caption = (try? String(contentsOfFile: full(f).replacingOccurrences(of: ".pdf", with: ".caption.txt"), encoding: .utf8)) ?? f
                figures.append(ReportDocument.Figure(path: full(f), caption: caption.trimmingCharacters(in: .whitespacesAndNewlines),
                                                     number: numbering.next(.figure, paperItem: o.paperItem)))
            }
        }
        let claims = (verdicts(e) ?? []).map { c in
            ReportDocument.ClaimRow(
                claim: "\(c.claim.statement) (\(c.claim.paperItem))", test: "\(c.claim.test); \(c.detail)",
                difference: (c.difference.map { String(format: "%+.3f ± %.3f (z = %.1f)", $0.mean, $0.standardError, $0.standardErrors) } ?? "–")
                    + (c.acrossSeeds.map { String(format: "; over %d seeds %+.3f ± %.3f (z = %.1f)", $0.count, $0.mean, $0.standardError, $0.standardErrors) } ?? ""),
                verdict: c.verdict.display + ClaimsDocument.decision(c))
        }
        let provenance = existing.flatMap(\.files).filter { $0.hasSuffix(".provenance.json") }.compactMap { f -> String? in
            guard let p = try? readJSON(Provenance.self, from: URL(fileURLWithPath: full(f))) else { return nil }
            return "\(p.output): \(p.paperItem), scale \(p.scale), commit \(p.commit.prefix(10))\(p.workingTreeDirty ? " (dirty)" : ""), \(p.runs.count) runs, made \(p.created)"
        }
        let missing = e.outputs.filter { o in !existing.contains { $0.target == o.target } }.map(\.target)
        let notes = ["Budget of this section's verdicts: \(e.budgetSummary) (the paper: 500,000 steps); a claim contradicted here is contradicted at this budget."]
            + e.reportNotes + (missing.isEmpty ? [] : ["Not built at this scale yet: \(missing.joined(separator: ", "))."])
        return ReportDocument.Section(title: e.reportTitle, paragraphs: notes, tables: tables, figures: figures, claims: claims, provenance: provenance)
    }
}

import ArgumentParser
import ExperimentCLI
import ExperimentKit
import ExperimentRegistry
import Foundation
import Testing

@Suite("Experiment harness") struct HarnessTests {
    func scratch() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("harness-\(UUID().uuidString)/a b;c'd")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    func command(_ arguments: [String]) throws {
        var c = try ToyCommand.parseAsRoot(arguments)
        try c.run()
    }

    @Test("a toy experiment registered in one line runs through the shared command: runs, outputs, provenance, cache")
    func toyExperimentThroughRegistry() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent()) }
        let results = dir.appendingPathComponent("results").path, out = dir.appendingPathComponent("out").path
        let registry = ExperimentRegistry([RegisteredExperiment(ToyExperiment.self)])
        #expect(registry.names() == ["toy"])
        #expect(registry.names(at: .quick).isEmpty, "the toy has no quick scale")

        let before = try registry.targetTable(at: .ci, resultsRoot: URL(fileURLWithPath: results), outputRoot: URL(fileURLWithPath: out))
        #expect(before.count == 1 && before[0].hasPrefix("toy\ttable-toy\tToy table\t2 models\tmissing\t"))

        try command(["runs", "--status", "--scale", "ci", "--results", results, "--out", out])
        let e = try ToyExperiment(scale: .ci, options: .init(), resultsRoot: URL(fileURLWithPath: results), outputRoot: URL(fileURLWithPath: out))
        #expect(e.allRuns().count == 3, "two models, the approximately equivariant one with a second seed")
        #expect(try e.runLines(missing: true, status: false).count == 3)

        try command(["all", "--scale", "ci", "--results", results, "--out", out, "--quiet"])
        #expect(try e.runLines(missing: true, status: false).isEmpty, "every run is trained and evaluated")
        for ending in ["tex", "md", "json", "provenance.json"] {
            #expect(FileManager.default.fileExists(atPath: "\(out)/tables/table-toy.\(ending)"))
        }
        let provenance = try readJSON(Provenance.self, from: URL(fileURLWithPath: "\(out)/tables/table-toy.provenance.json"))
        #expect(provenance.runs.count == 2 && provenance.scale == "ci" && provenance.output == "tables/table-toy.tex")
        let after = try registry.targetTable(at: .ci, resultsRoot: URL(fileURLWithPath: results), outputRoot: URL(fileURLWithPath: out))
        #expect(after[0].contains("\texists\t"))

        // Rebuilding reads the cache: the table is byte-identical and no run trains again.
        let table = try Data(contentsOf: URL(fileURLWithPath: "\(out)/tables/table-toy.md"))
        try command(["build", "table-toy", "--scale", "ci", "--results", results, "--out", out, "--quiet"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: "\(out)/tables/table-toy.md")) == table)
    }

    @Test("`runs` lines are shell commands that pass a results folder with a space, a ; and a quote through unchanged")
    func runLinesAreQuoted() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent()) }
        let results = dir.appendingPathComponent("results;touch pwned;")
        let e = try ToyExperiment(scale: .ci, options: .init(), resultsRoot: results, outputRoot: dir)
        let marker = dir.appendingPathComponent("pwned")
        for line in try e.runLines(missing: false, status: false) {
            // Replace the executable by printf, then let a shell split the line: directly (sh -c), and as
            // reproduce.sh --jobs runs the lines (xargs splitting on newlines only, then sh -c).
            let probe = "printf '%s\\n'" + line.dropFirst(".build/release/toy".count)
            for shell in [["/bin/sh", "-c", probe], ["/bin/sh", "-c", "printf '%s\\n' \"$0\" | xargs -d '\\n' -I{} sh -c '{}'", probe]] {
                let p = Process()
                p.executableURL = URL(fileURLWithPath: shell[0])
                p.arguments = Array(shell.dropFirst())
                p.currentDirectoryURL = dir
                let pipe = Pipe()
                p.standardOutput = pipe
                try p.run(); p.waitUntilExit()
                let words = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n").map(String.init)
                let i = try #require(words.firstIndex(of: "--results"))
                #expect(words[i + 1] == ExperimentContext.relativePath(results))
                #expect(words.first == "evaluate" && words.last == "--quiet")
            }
        }
        #expect(!FileManager.default.fileExists(atPath: marker.path))
    }

    @Test("an output folder that cannot be made is refused before any run trains")
    func unwritableOutputsAreRefusedFirst() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent()) }
        let file = dir.appendingPathComponent("a-file")
        try Data("x".utf8).write(to: file)
        let results = dir.appendingPathComponent("results").path
        let error = #expect(throws: (any Error).self) {
            try command(["all", "--scale", "ci", "--results", results, "--out", file.appendingPathComponent("out").path, "--quiet"])
        }
        #expect("\(error.map { "\($0)" } ?? "")".contains("is a file, not a folder"))
        #expect(!FileManager.default.fileExists(atPath: results), "nothing was trained")
    }

    @Test("an unsupported scale is a usage error naming the scales there are")
    func unsupportedScale() throws {
        let error = #expect(throws: (any Error).self) { try ToyCommand.parseAsRoot(["all", "--scale", "quick"]) }
        #expect(ToyCommand.message(for: try #require(error)).contains("toy has no scale 'quick'; choose ci"))
        #expect(ToyCommand.exitCode(for: try #require(error)) == .validationFailure)
    }

    @Test("the paper's registry lists the three experiments in order, with the scales each has")
    func paperRegistry() {
        #expect(ExperimentRegistry.paper.names() == ["gibbs1d", "smoke2d", "environment"])
        #expect(ExperimentRegistry.paper.names(at: .standard) == ["gibbs1d", "smoke2d", "environment"])
        #expect(ExperimentRegistry.paper.names(at: .paper) == ["gibbs1d", "smoke2d", "environment"])
    }

    @Test("every table and figure of the paper is made by a registered experiment, and no target is made twice by one")
    func everyPaperItemIsMade() throws {
        let experiments = try ExperimentRegistry.paper.experiments(at: .quick, resultsRoot: URL(fileURLWithPath: "/nonexistent"),
                                                                  outputRoot: URL(fileURLWithPath: "/nonexistent"))
        let items = experiments.flatMap { $0.outputs.map(\.paperItem) }
        for n in 1...9 { #expect(items.contains { $0.hasPrefix("Table \(n)") }, "Table \(n)") }
        for n in 1...6 { #expect(items.contains { $0.hasPrefix("Figure \(n)") }, "Figure \(n)") }
        for e in experiments { #expect(Set(e.outputs.map(\.target)).count == e.outputs.count, "\(e.experimentName)") }
    }
}

import ExperimentCLI
import ExperimentKit
import ExperimentRegistry
import Foundation
import Testing

/// `np-report publish`: tables/ and figures/ get each output from the largest scale that has all of its files.
@Suite struct PublishTests {
    @Test func eachOutputComesFromTheLargestScaleThatHasAllItsFiles() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("publish-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let results = root.appendingPathComponent("results")
        let registry = ExperimentRegistry.paper
        let quick = try registry.experiments(at: .quick, resultsRoot: results, outputRoot: ScaleName.quick.defaultOutputRoot(in: root))
        func files(_ experiment: String, _ target: String) throws -> [String] {
            try #require(quick.first { $0.experimentName == experiment }?.outputs.first { $0.target == target }).files
        }
        func write(_ scale: ScaleName, _ files: [String]) throws {
            for f in files {
                let url = scale.defaultOutputRoot(in: root).appendingPathComponent(f)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(scale.rawValue.utf8).write(to: url)
            }
        }
        let table1 = try files("gibbs1d", "table1"), figure6 = try files("smoke2d", "figure6"), table2 = try files("environment", "table2")
        try write(.quick, table1); try write(.standard, table1)          // both scales: standard wins
        try write(.quick, figure6); try write(.standard, Array(figure6.dropLast()))   // standard incomplete: quick
        let published = try registry.publish(root: root, resultsRoot: results)
        func content(_ f: String) -> String? { try? String(contentsOf: root.appendingPathComponent(f), encoding: .utf8) }
        #expect(table1.allSatisfy { content($0) == "standard" })
        #expect(figure6.allSatisfy { content($0) == "quick" })
        #expect(table2.allSatisfy { content($0) == nil })                 // at no scale: nothing written
        #expect(published.contains(.init(experiment: "gibbs1d", target: "table1", scale: .standard)))
        #expect(published.contains(.init(experiment: "smoke2d", target: "figure6", scale: .quick)))
        #expect(!published.contains { $0.target == "table2" })
    }
}

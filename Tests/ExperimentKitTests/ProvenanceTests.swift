import ExperimentKit
import Foundation
import Testing

/// Provenance's "dirty" flag is about code: rebuilt outputs, results and checkpoints of runs in training do not set it.
@Suite struct ProvenanceGitStateTests {
    @Test func onlyCodeChangesMakeTheTreeDirty() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("provenance-git-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("Sources"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("tables"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        func git(_ args: String...) throws {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"] + args
            p.currentDirectoryURL = dir
            p.standardOutput = FileHandle.nullDevice; p.standardError = FileHandle.nullDevice
            try p.run(); p.waitUntilExit()
            #expect(p.terminationStatus == 0)
        }
        try Data("a".utf8).write(to: dir.appendingPathComponent("Sources/a.swift"))
        try Data("1".utf8).write(to: dir.appendingPathComponent("tables/t.md"))
        try git("init", "-q"); try git("add", "-A"); try git("commit", "-q", "-m", "x")
        #expect(Provenance.gitState(in: dir).dirty == false)
        try Data("2".utf8).write(to: dir.appendingPathComponent("tables/t.md"))   // a rebuilt output
        #expect(Provenance.gitState(in: dir).dirty == false)
        try Data("b".utf8).write(to: dir.appendingPathComponent("Sources/a.swift"))   // a code change
        #expect(Provenance.gitState(in: dir).dirty == true)
        #expect(Provenance.gitState(in: dir).commit.count == 40)
    }
}

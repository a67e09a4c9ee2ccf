import ExperimentKit
import Foundation
import Testing

@Suite struct ShellCommandTests {
    @Test func plainArgumentsStayUnquoted() {
        #expect(ShellCommand.line(["swift", "run", "gibbs1d", "all", "--scale", "quick", "--out=results/x.json"])
                == "swift run gibbs1d all --scale quick --out=results/x.json")
        #expect(ShellCommand.line(["a b", "", "it's"]) == #"'a b' '' 'it'\''s'"#)
        #expect(ShellCommand.line(["X=1", "if"]) == "'X=1' if")
        #expect(ShellCommand.line(["if"]) == "'if'")
    }

    /// `sh -c` on the built line hands printf exactly the original arguments (NUL-separated, so newlines are
    /// unambiguous), and none of the embedded commands runs (the marker file is never created).
    @Test func shRunsTheLineWithExactlyTheOriginalArguments() throws {
        let dir = scratch()
        let marker = dir.appendingPathComponent("pwned").path
        let arguments = ["plain", "with space", "it's", #"say "hi""#, "a;touch \(marker)", "$(touch \(marker))", "`touch \(marker)`",
                         "$HOME", "${PATH}", "line1\nline2", "' ; touch \(marker) ; '", "\"; touch \(marker); \"", "", "*", "~",
                         "a\\b", "tab\there", "#comment", "&& touch \(marker)", "| cat", "> \(marker)", "日本語", "--scale", "quick"]
        let line = ShellCommand.line(["/usr/bin/printf", "%s\\000"] + arguments)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", line]
        p.currentDirectoryURL = dir
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        var received = data.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        #expect(received.last == "")
        received.removeLast()
        #expect(received == arguments, "\(line)")
        #expect(!FileManager.default.fileExists(atPath: marker))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }
}

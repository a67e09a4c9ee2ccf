import AtomicFile
import Foundation
import NPTestSupport
import Testing

/// No Foundation error dump in a message meant for people.
func expectNoDump(_ message: String, sourceLocation: SourceLocation = #_sourceLocation) {
    for dump in ["Domain", "NSCocoaErrorDomain", "UserInfo", "Code=", "CocoaError", "NSUnderlyingError"] {
        #expect(!message.contains(dump), "\(message)", sourceLocation: sourceLocation)
    }
}

@Suite struct FileErrorTests {
    @Test func commonCausesAreMappedToWords() {
        #expect(FileError.Cause(CocoaError(.fileWriteOutOfSpace)) == .diskFull)
        #expect(FileError.Cause(CocoaError(.fileWriteVolumeReadOnly)) == .readOnlyFileSystem)
        #expect(FileError.Cause(CocoaError(.fileWriteNoPermission)) == .permissionDenied)
        #expect(FileError.Cause(CocoaError(.fileReadNoSuchFile)) == .noSuchFile)
        #expect(FileError.Cause(POSIXError(.ENOSPC)) == .diskFull)
        #expect(FileError.Cause(POSIXError(.EROFS)) == .readOnlyFileSystem)
        #expect(FileError.Cause(POSIXError(.EACCES)) == .permissionDenied)
        #expect(FileError.Cause(POSIXError(.ENOENT)) == .noSuchFile)
        // A Cocoa error whose underlying error is a POSIX one: the POSIX code decides.
        let wrapped = NSError(domain: NSCocoaErrorDomain, code: 512,
                              userInfo: [NSUnderlyingErrorKey: NSError(domain: NSPOSIXErrorDomain, code: Int(ENOSPC))])
        #expect(FileError.Cause(wrapped) == .diskFull)
    }

    @Test func diskFullOnAnExistingFileSaysNothingWasLost() throws {
        let url = scratchDirectory("aenp-atomic").appendingPathComponent("table.json")
        try writeAtomically(Data("old".utf8), to: url)
        let e = FileError(.write, url.path, error: CocoaError(.fileWriteOutOfSpace))
        #expect(e.description == "cannot write \(url.path): the disk is full; free space and rerun (nothing was lost: the previous file is intact)")
        let ro = FileError(.write, url.path, error: POSIXError(.EROFS))
        #expect(ro.description.hasPrefix("cannot write \(url.path): the file system is read-only; make the folder writable"))
    }

    /// A real ENOSPC: the body writes to /dev/full. The error names the destination, says the disk is full and
    /// that the previous file is intact (and it is).
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/dev/full")))
    func aFullDiskDuringAWriteIsAFileErrorAndKeepsThePreviousFile() throws {
        let dir = scratchDirectory("aenp-atomic")
        let url = dir.appendingPathComponent("figure.pdf")
        try writeAtomically(Data("previous".utf8), to: url)
        do {
            try writeAtomically(to: url) { _ in try Data(repeating: 1, count: 1 << 16).write(to: URL(fileURLWithPath: "/dev/full")) }
            Issue.record("writing to /dev/full succeeded")
        } catch let e as FileError {
            #expect(e.cause == .diskFull, "\(e)")
            #expect(e.description.contains(url.path) && e.description.contains("free space") && e.description.contains("previous file is intact"), "\(e)")
            expectNoDump(e.description)
        }
        #expect(try Data(contentsOf: url) == Data("previous".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["figure.pdf"])
    }

    @Test func aFileInTheWayOfTheFolderIsNamed() throws {
        let dir = scratchDirectory("aenp-atomic")
        try Data("x".utf8).write(to: dir.appendingPathComponent("blocker"))
        let url = dir.appendingPathComponent("blocker").appendingPathComponent("sub").appendingPathComponent("out.json")
        do {
            try writeAtomically(Data("{}".utf8), to: url)
            Issue.record("wrote under a file")
        } catch let e as FileError {
            #expect(e.description.hasPrefix("cannot create directory \(url.deletingLastPathComponent().path): "), "\(e)")
            expectNoDump(e.description)
        }
    }

    @Test func readingAMissingFileSaysSoAndNamesIt() throws {
        let url = scratchDirectory("aenp-atomic").appendingPathComponent("missing.json")
        do {
            _ = try readFile(url)
            Issue.record("read a missing file")
        } catch let e as FileError {
            #expect(e.cause == .noSuchFile)
            #expect(e.description.hasPrefix("cannot read \(url.path): no such file or directory; "), "\(e)")
            expectNoDump(e.description)
        }
    }
}

@Suite struct StalePartialFileTests {
    @Test func theWriterPIDIsParsedFromTheTemporaryName() {
        #expect(partialFileWriterPID(".checkpoint.safetensors.partial-1234-7") == 1234)
        #expect(partialFileWriterPID(".a.partial-b.json.partial-99-1") == 99)
        #expect(partialFileWriterPID("checkpoint.safetensors") == nil)
        #expect(partialFileWriterPID(".x.partial-abc-1") == nil)
        #expect(partialFileWriterPID(".x.partial-12") == nil)
    }

    @Test func onlyPartialFilesOfDeadWritersAreRemoved() throws {
        let dir = scratchDirectory("aenp-atomic")
        let dead = try deadPID()
        let names = [".table.json.partial-\(dead)-1",            // killed writer: removed
                     ".figure.pdf.partial-\(getpid())-2",        // this process: kept
                     ".figure.png.partial-1-3",                  // pid 1 is alive: kept
                     "table.json", ".lock"]
        for n in names { try Data("x".utf8).write(to: dir.appendingPathComponent(n)) }
        #expect(removeStalePartialFiles(in: dir) == [".table.json.partial-\(dead)-1"])
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: dir.path)) == Set(names.dropFirst()))
        #expect(removeStalePartialFiles(in: dir.appendingPathComponent("absent")).isEmpty)
    }

    @Test func theFirstWriteIntoAFolderRemovesStalePartialFiles() throws {
        let dir = scratchDirectory("aenp-atomic")
        let stale = ".fig.pdf.partial-\(try deadPID())-1"
        try Data("x".utf8).write(to: dir.appendingPathComponent(stale))
        try writeAtomically(Data("y".utf8), to: dir.appendingPathComponent("fig.caption.txt"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["fig.caption.txt"])
    }
}

import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The project's one way of writing a file: to a temporary file beside the destination, then `rename(2)` into
/// place, so that a reader — or a run killed half-way — sees the old file or the complete new one, never a
/// partial one. Checkpoints, run records, figures and tables all go through here. Failures are `FileError`s.
public typealias AtomicWriteError = FileError

/// Temporary files are named `.<name>.partial-<pid>-<n>`: the process id separates processes, the counter
/// concurrent writes within one. A killed writer leaves such a file behind; `isLeftoverTemporary` recognises it
/// and `removeStalePartialFiles(in:)` removes those whose writer is gone.
let temporarySuffix = ".partial-"

public func isLeftoverTemporary(_ fileName: String) -> Bool { fileName.hasPrefix(".") && fileName.contains(temporarySuffix) }

/// The process id in a temporary file's name (`.<name>.partial-<pid>-<n>`), nil for any other name.
public func partialFileWriterPID(_ fileName: String) -> Int32? {
    guard isLeftoverTemporary(fileName), let r = fileName.range(of: temporarySuffix, options: .backwards) else { return nil }
    let parts = fileName[r.upperBound...].split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 2, let pid = Int32(parts[0]), pid > 0, Int(parts[1]) != nil else { return nil }
    return pid
}

/// Whether a process with this id exists (`kill(pid, 0)`: success, or EPERM for another user's process).
public func processIsAlive(_ pid: Int32) -> Bool {
    if pid == getpid() { return true }
    return kill(pid, 0) == 0 || errno == EPERM
}

/// Removes the temporary files of killed writers in `directory` (not recursive): files named
/// `.<name>.partial-<pid>-<n>` whose process `pid` no longer exists. Files of live writers (this process's
/// included) are kept. A missing directory is not an error. Returns the names removed.
@discardableResult
public func removeStalePartialFiles(in directory: URL) -> [String] {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return [] }
    var removed: [String] = []
    for name in names.sorted() {
        guard let pid = partialFileWriterPID(name), !processIsAlive(pid) else { continue }
        if (try? FileManager.default.removeItem(at: directory.appendingPathComponent(name))) != nil { removed.append(name) }
    }
    return removed
}

final class TemporaryCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    private var swept: Set<String> = []
    func next() -> Int { lock.lock(); defer { lock.unlock() }; value += 1; return value }
    /// True the first time a directory is seen by this process.
    func firstVisit(_ dir: String) -> Bool { lock.lock(); defer { lock.unlock() }; return swept.insert(dir).inserted }
}
let temporaryCounter = TemporaryCounter()

/// Writes `data` to `url` atomically, creating its directory if needed.
public func writeAtomically(_ data: Data, to url: URL) throws {
    try writeAtomically(to: url) { tmp in try data.write(to: tmp) }
}

/// Lets `body` write the file at the temporary location it is given (for writers that take a path, such as
/// Cairo's), then moves it to `url`. On any failure the temporary file is removed and `url` is untouched.
/// The first write into a directory in a process also removes killed writers' temporary files there.
/// Foundation and POSIX failures are thrown as `FileError` naming `url`; other errors of `body` pass through.
public func writeAtomically(to url: URL, _ body: (URL) throws -> Void) throws {
    let dir = url.deletingLastPathComponent()
    do { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) } catch {
        throw FileError(.createDirectory, dir.path, error: error)
    }
    if temporaryCounter.firstVisit(dir.standardizedFileURL.path) { removeStalePartialFiles(in: dir) }
    let tmp = dir.appendingPathComponent(".\(url.lastPathComponent)\(temporarySuffix)\(getpid())-\(temporaryCounter.next())")
    do {
        try body(tmp)
        guard rename(tmp.path, url.path) == 0 else { throw FileError.posix(.write, url.path) }
    } catch {
        try? FileManager.default.removeItem(at: tmp)
        let ns = error as NSError
        if error is FileError || error is POSIXError || ns.domain == NSCocoaErrorDomain || ns.domain == NSPOSIXErrorDomain {
            throw FileError(.write, url.path, error: error)
        }
        throw error
    }
}

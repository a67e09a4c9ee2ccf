import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The project's one way of writing a file: to a temporary file beside the destination, then `rename(2)` into
/// place, so that a reader — or a run killed half-way — sees the old file or the complete new one, never a
/// partial one. Checkpoints, run records, figures and tables all go through here.
public enum AtomicWriteError: Error, CustomStringConvertible {
    case cannotCreateDirectory(String, String)
    case cannotMove(String, String, String)
    public var description: String {
        switch self {
        case .cannotCreateDirectory(let d, let why): return "cannot create directory \(d): \(why)"
        case .cannotMove(let from, let to, let why): return "cannot move \(from) to \(to): \(why)"
        }
    }
}

/// Temporary files are named `.<name>.partial-<pid>-<n>`: the process id separates processes, the counter
/// concurrent writes within one. A killed writer leaves such a file behind; `isLeftoverTemporary` recognises it.
let temporarySuffix = ".partial-"

public func isLeftoverTemporary(_ fileName: String) -> Bool { fileName.hasPrefix(".") && fileName.contains(temporarySuffix) }

final class TemporaryCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func next() -> Int { lock.lock(); defer { lock.unlock() }; value += 1; return value }
}
let temporaryCounter = TemporaryCounter()

/// Writes `data` to `url` atomically, creating its directory if needed.
public func writeAtomically(_ data: Data, to url: URL) throws {
    try writeAtomically(to: url) { tmp in try data.write(to: tmp) }
}

/// Lets `body` write the file at the temporary location it is given (for writers that take a path, such as
/// Cairo's), then moves it to `url`. On any failure the temporary file is removed and `url` is untouched.
public func writeAtomically(to url: URL, _ body: (URL) throws -> Void) throws {
    let dir = url.deletingLastPathComponent()
    do { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) } catch {
        throw AtomicWriteError.cannotCreateDirectory(dir.path, error.localizedDescription)
    }
    let tmp = dir.appendingPathComponent(".\(url.lastPathComponent)\(temporarySuffix)\(ProcessInfo.processInfo.processIdentifier)-\(temporaryCounter.next())")
    do {
        try body(tmp)
        guard rename(tmp.path, url.path) == 0 else {
            throw AtomicWriteError.cannotMove(tmp.path, url.path, String(cString: strerror(errno)))
        }
    } catch {
        try? FileManager.default.removeItem(at: tmp)
        throw error
    }
}

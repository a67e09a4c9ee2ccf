import AtomicFile
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An exclusive lock on a run directory (`flock` on `<dir>/.lock`), so that two processes — two
/// `reproduce.sh` invocations, or parallel jobs — never train the same run at once. Released on `unlock()`
/// or when the process exits, however it exits. Taking it also removes the temporary files that killed writers
/// left in the directory (no other process can be writing there once the lock is held).
public final class RunLock {
    let fd: Int32

    /// Takes the lock or throws at once if another process holds it. File-system failures are `FileError`s.
    public init(directory: URL) throws {
        do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
            throw FileError(.createDirectory, directory.path, error: error)
        }
        let path = directory.appendingPathComponent(".lock").path
        fd = open(path, O_CREAT | O_RDWR, 0o644)
        guard fd >= 0 else { throw FileError.posix(.lock, path) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            close(fd)
            throw ExperimentError.usage("\(directory.path) is being trained by another process; wait for it or stop it, then retry")
        }
        removeStalePartialFiles(in: directory)
    }

    public func unlock() { flock(fd, LOCK_UN); close(fd) }
}

import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A failed file operation, described in one sentence: what failed, on which path, why (in words, never a
/// Foundation error dump) and what to do, e.g. "cannot write /x/y: the disk is full; free space and rerun
/// (nothing was lost: the previous file is intact)". Every file error of AtomicFile, the checkpoints, the run
/// store, the run lock and the JSON helpers is one of these (or carries its wording).
public struct FileError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Operation: String, Sendable {
        case read, write, createDirectory = "create directory", move, remove, list, lock = "open the lock file"
    }

    /// The common causes, mapped from Cocoa and POSIX error codes.
    public enum Cause: Equatable, Sendable {
        case noSuchFile, permissionDenied, readOnlyFileSystem, diskFull, notADirectory, isADirectory, ioError
        case other(String)

        public var words: String {
            switch self {
            case .noSuchFile: return "no such file or directory"
            case .permissionDenied: return "permission denied"
            case .readOnlyFileSystem: return "the file system is read-only"
            case .diskFull: return "the disk is full"
            case .notADirectory: return "a component of the path is a file, not a directory"
            case .isADirectory: return "it is a directory"
            case .ioError: return "an input/output error occurred (failing disk or network file system?)"
            case .other(let s): return s
            }
        }

        /// The cause of a POSIX `errno`.
        public init(errno code: Int32) {
            switch code {
            case ENOENT: self = .noSuchFile
            case EACCES, EPERM: self = .permissionDenied
            case EROFS: self = .readOnlyFileSystem
            case ENOSPC, EDQUOT: self = .diskFull
            case ENOTDIR: self = .notADirectory
            case EISDIR: self = .isADirectory
            case EIO: self = .ioError
            default: self = .other(String(cString: strerror(code)).lowercased())
            }
        }

        /// The cause of any error thrown by Foundation's file APIs (`CocoaError`, `POSIXError` or an `NSError` of
        /// those domains, looking through `NSUnderlyingErrorKey`); never the error's dump.
        public init(_ error: Error) {
            if let e = error as? FileError { self = e.cause; return }
            if let p = error as? POSIXError { self.init(errno: p.code.rawValue); return }
            let ns = error as NSError
            if ns.domain == NSPOSIXErrorDomain { self.init(errno: Int32(ns.code)); return }
            if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
                self.init(errno: Int32(underlying.code)); return
            }
            if ns.domain == NSCocoaErrorDomain {
                switch CocoaError.Code(rawValue: ns.code) {
                case .fileNoSuchFile, .fileReadNoSuchFile: self = .noSuchFile; return
                case .fileReadNoPermission, .fileWriteNoPermission: self = .permissionDenied; return
                case .fileWriteVolumeReadOnly: self = .readOnlyFileSystem; return
                case .fileWriteOutOfSpace: self = .diskFull; return
                case .fileReadCorruptFile: self = .other("the file is corrupt"); return
                case .fileReadTooLarge: self = .other("the file is too large to read"); return
                case .fileWriteFileExists: self = .notADirectory; return   // createDirectory where a path component is a file
                case .fileReadInvalidFileName, .fileWriteInvalidFileName: self = .other("the file name is invalid"); return
                default: self = .other("error \(ns.code) of the file system"); return
                }
            }
            self = .other("unexpected error \(ns.domain) \(ns.code)")
        }
    }

    public var operation: Operation
    public var path: String
    public var cause: Cause
    public var remedy: String

    public init(_ operation: Operation, _ path: String, cause: Cause, remedy: String? = nil) {
        self.operation = operation; self.path = path; self.cause = cause
        self.remedy = remedy ?? FileError.defaultRemedy(operation, path, cause)
    }

    /// Wraps a Foundation/POSIX error (a `FileError` is passed through, with `remedy` if given).
    public init(_ operation: Operation, _ path: String, error: Error, remedy: String? = nil) {
        if let e = error as? FileError {
            self = e
            if let remedy { self.remedy = remedy }
            return
        }
        self.init(operation, path, cause: Cause(error), remedy: remedy)
    }

    /// The current `errno`.
    public static func posix(_ operation: Operation, _ path: String, remedy: String? = nil) -> FileError {
        FileError(operation, path, cause: Cause(errno: errno), remedy: remedy)
    }

    public var description: String { "cannot \(operation.rawValue) \(path): \(cause.words); \(remedy)" }

    public static func defaultRemedy(_ operation: Operation, _ path: String, _ cause: Cause) -> String {
        let writes = [.write, .move, .createDirectory, .lock, .remove].contains(operation)
        let intact = operation == .write || operation == .move
            ? (FileManager.default.fileExists(atPath: path) ? " (nothing was lost: the previous file is intact)" : " (nothing was written)") : ""
        switch cause {
        case .diskFull: return "free space and rerun" + intact
        case .permissionDenied, .readOnlyFileSystem:
            return (writes ? "make the folder writable (or work in a writable copy) and rerun" : "make the file readable and rerun") + intact
        case .noSuchFile:
            return writes ? "check that the folder exists and is not being deleted, then rerun" + intact
                          : "check the path, or rerun the step that creates the file"
        case .notADirectory: return "remove the file that is in the way of the folder and rerun" + intact
        case .isADirectory: return "remove or rename the folder that is in the way and rerun" + intact
        case .ioError, .other: return "check the disk and rerun" + intact
        }
    }
}

/// Reads a whole file, failing with a `FileError` (with `remedy`, or a default one) instead of a Foundation dump.
public func readFile(_ url: URL, remedy: String? = nil) throws -> Data {
    do { return try Data(contentsOf: url) } catch {
        throw FileError(.read, url.path, error: error, remedy: remedy)
    }
}

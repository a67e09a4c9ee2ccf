import Foundation

/// A new empty folder under the temporary directory, named `<prefix>-<UUID>`.
public func scratchDirectory(_ prefix: String = "aenp-test") -> URL {
    let d = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
    return d
}

/// The id of a process that has exited (and been reaped), so no longer alive.
public func deadPID() throws -> Int32 {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/true")
    try p.run()
    p.waitUntilExit()
    return p.processIdentifier
}

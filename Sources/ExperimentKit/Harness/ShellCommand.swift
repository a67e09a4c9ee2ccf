/// Shell command lines made from argument vectors, quoted so that `sh -c` runs exactly the command they name.
public enum ShellCommand {
    /// The arguments joined by spaces, each quoted for a POSIX shell when it holds anything but characters that
    /// are safe bare (letters, digits and `-_./=:,+@%`).
    public static func line(_ arguments: [String]) -> String { arguments.map(quoted).joined(separator: " ") }

    /// One argument, single-quoted when needed (a `'` inside becomes `'\''`).
    public static func quoted(_ argument: String) -> String {
        let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%")
        if !argument.isEmpty && argument.allSatisfy({ safe.contains($0) }) { return argument }
        return "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

/// A command line that `sh -c` (any POSIX shell) splits back into exactly the given arguments: each argument is
/// left as it is when it consists only of characters the shell treats literally (`--scale quick` stays
/// `--scale quick`), and otherwise wrapped in single quotes, with each embedded `'` written as `'\''`. Inside
/// single quotes nothing is special (spaces, `"`, `;`, `$`, backticks, newlines), so no argument can run a command.
public enum ShellCommand {
    /// Characters that need no quoting anywhere in a word.
    static let plain = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./,:@%+")

    /// Words the shell reads as syntax in command position (`if`, `for`, …): quoted when they are the command.
    static let reservedWords: Set<String> = ["case", "do", "done", "elif", "else", "esac", "fi", "for", "if", "in", "then", "until", "while",
                                             "function", "select", "time"]

    /// One argument as a shell word. `first` is whether it is the command word, where `name=value` would be read
    /// as a variable assignment and `if` as syntax, so these are quoted there (elsewhere they are plain).
    public static func quote(_ argument: String, first: Bool = false) -> String {
        if !argument.isEmpty, !(first && reservedWords.contains(argument)), argument.allSatisfy({ plain.contains($0) || (!first && $0 == "=") }) { return argument }
        return "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// The argument vector as one line for `sh -c`.
    public static func line(_ arguments: [String]) -> String {
        arguments.enumerated().map { quote($0.element, first: $0.offset == 0) }.joined(separator: " ")
    }
}

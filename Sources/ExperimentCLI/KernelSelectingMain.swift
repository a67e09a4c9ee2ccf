import ArgumentParser
import ExperimentKit
import Foundation

extension ParsableCommand {
    /// The `main` of every experiment CLI: re-executes with the OpenBLAS kernel chosen for this CPU when needed
    /// (`BLASKernelSelection`), then parses the arguments and runs the subcommand. A usage error (an unknown
    /// option, a value out of its range) exits with status 2 and the usage text; any other error with status 1 and
    /// its message.
    public static func mainSelectingBLASKernel(_ arguments: [String]? = nil) {
        BLASKernelSelection.reexecIfNeeded()
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

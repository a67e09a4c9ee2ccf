import ArgumentParser
import ExperimentKit
import Foundation

extension ParsableCommand {
    /// The `main` of every experiment CLI: re-executes with the OpenBLAS kernel chosen for this CPU when needed
    /// (`BLASKernelSelection`), then parses the arguments and runs the subcommand, exiting with its error.
    public static func mainSelectingBLASKernel() {
        BLASKernelSelection.reexecIfNeeded()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withError: error)
        }
    }
}

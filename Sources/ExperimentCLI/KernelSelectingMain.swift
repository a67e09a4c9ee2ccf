import ArgumentParser
import ExperimentKit
import Foundation
import NPTensor

extension ParsableCommand {
    /// The `main` of every experiment CLI: re-executes with the OpenBLAS kernel chosen for this CPU when needed
    /// (`BLASKernelSelection`), then parses the arguments and runs the subcommand. A usage error (an unknown
    /// option, a value out of its range, an `AENP_CONVOLUTION` that is not one of its settings) exits with status 2
    /// and the usage text or the reason; any other error with status 1 and its message.
    public static func mainSelectingBLASKernel(_ arguments: [String]? = nil) {
        BLASKernelSelection.reexecIfNeeded()
        // The convolution setting is read from the environment once; a bad value is a usage error, not a crash.
        if case .failure(let e) = ConvolutionAlgorithms.processSetting {
            FileHandle.standardError.write(Data((e.message + "\n").utf8))
            Foundation.exit(2)
        }
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

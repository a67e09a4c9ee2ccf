import CBLAS
import Foundation
import NPTensor

/// Makes OpenBLAS use the fast kernels this CPU supports.
///
/// Debian 12's OpenBLAS 0.3.21 does not recognise recent Intel CPUs and falls back to its "Prescott"
/// (SSE3) kernels, 4.7× slower than the AVX-512 "SkylakeX" ones (measured on this project's machine type). The choice is read
/// from `OPENBLAS_CORETYPE` by a load-time constructor, so the only fix is to set the variable and
/// re-execute the process. An existing value is never changed: some machines set it on purpose because
/// older OpenBLAS builds compute wrong results on certain processors.
public enum BLASKernelSelection {
    /// Call first thing in `main`. Re-executes at most once; returns if nothing needs doing.
    public static func reexecIfNeeded() {
        guard getenv("OPENBLAS_CORETYPE") == nil, getenv("AENP_NO_BLAS_REEXEC") == nil else { return }
        guard String(cString: openblas_get_corename()).lowercased() == "prescott" else { return }
        let flags = cpuFlags()
        let core: String
        if flags.contains("avx512f") && flags.contains("avx512bw") && flags.contains("avx512vl") { core = "SKYLAKEX" }
        else if flags.contains("avx2") && flags.contains("fma") { core = "HASWELL" }
        else { return }
        setenv("OPENBLAS_CORETYPE", core, 1)
        setenv("AENP_NO_BLAS_REEXEC", "1", 1)   // never loop, whatever OpenBLAS then reports
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        perror("execv /proc/self/exe (continuing with OpenBLAS's own kernel choice)")
    }

    static func cpuFlags() -> Set<String> {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return [] }
        return Set(line.split(separator: ":").last!.split(separator: " ").map(String.init))
    }

    /// A one-line description for logs and provenance: kernel, how it was chosen, worker threads, and the convolution
    /// setting when it is not the default.
    public static var summary: String {
        let chosen = getenv("OPENBLAS_CORETYPE").map { "OPENBLAS_CORETYPE=\(String(cString: $0))" } ?? "auto-detected"
        let convolutions = ConvolutionAlgorithms.process == .direct ? "" : ", AENP_CONVOLUTION=\(ConvolutionAlgorithms.process.rawValue)"
        return "OpenBLAS \(BLASRuntime.coreName) (\(chosen)), \(workerCount) worker thread(s)\(convolutions)"
    }
}

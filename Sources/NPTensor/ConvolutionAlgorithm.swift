#if canImport(Glibc)
import Glibc
#endif

/// Which algorithms `Tape.conv` may use: the direct methods only (shifted GEMM or im2col + GEMM, as
/// `ConvGeometry.prefersIm2Col` chooses), or also the frequency-domain convolution (`convForwardFFTKeepingSpectra`)
/// on the shapes where it measured faster. Both compute the same convolution; they differ in float32 rounding
/// (the FFT path is within 2·10⁻⁶ of the largest output magnitude at the U-Nets' shapes), so a run keeps the setting
/// it started with (ExperimentKit records it in the run's folder and refuses to resume or retrain under another).
public enum ConvolutionAlgorithms: String, Sendable, CaseIterable, Codable {
    /// Shifted GEMM or im2col + GEMM: the arithmetic every run before the FFT path was trained with.
    case direct
    /// As `direct`, except the 2-D, groups = 1 convolutions with kernels of at least 5 × 5 on grids of at least
    /// 4 × 4, which go through the frequency domain (`ConvGeometry.prefersFFT`).
    case fft

    /// The process's setting: `AENP_CONVOLUTION` (`direct` or `fft`), `direct` when unset. Read once at start-up;
    /// any other value stops the process with a message naming the variable and its values.
    public static var process: ConvolutionAlgorithms {
        switch processSetting {
        case .success(let a): return a
        case .failure(let e): fatalError(e.message)
        }
    }

    /// `AENP_CONVOLUTION` read once: the setting, or why the value is not one (the CLIs report it as a usage error).
    public static let processSetting: Result<ConvolutionAlgorithms, InvalidSetting> = {
        guard let raw = getenv("AENP_CONVOLUTION") else { return .success(.direct) }
        return parse(String(cString: raw))
    }()

    public struct InvalidSetting: Error, Equatable { public let message: String }

    /// `AENP_CONVOLUTION`'s value as a setting, or an error naming the allowed values.
    public static func parse(_ text: String) -> Result<ConvolutionAlgorithms, InvalidSetting> {
        if let a = ConvolutionAlgorithms(rawValue: text) { return .success(a) }
        let allowed = allCases.map(\.rawValue).joined(separator: " or ")
        return .failure(InvalidSetting(message: "AENP_CONVOLUTION must be \(allowed), got '\(text)'"))
    }
}

extension ConvGeometry {
    /// Whether the frequency-domain convolution is used under `algorithms`: only with `.fft`, and only in 2-D with
    /// groups = 1, kernels of at least 5 on both axes and grids of at least 4 on both axes. The rule is the measured one
    /// (`npbench conv2d-fft`, Docs/fft-convolution.md): there it took 0.5–0.8× the faster direct method's time on every
    /// such layer of the smoke U-Net and 0.14–0.56× at kernel 9, and lost only on the 2 × 2 bottleneck's forward pass.
    public func prefersFFT(under algorithms: ConvolutionAlgorithms) -> Bool {
        algorithms == .fft && spatial.count == 2 && groups == 1 && kernel.allSatisfy { $0 >= 5 } && spatial.allSatisfy { $0 >= 4 }
    }
}

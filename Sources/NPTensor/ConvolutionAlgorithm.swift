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
    /// As `direct`, except the groups = 1 convolutions with large kernels (2-D: at least 5 × 5 on grids of at least
    /// 4 × 4; 1-D: k ≥ 9 on at most k² points), which go through the frequency domain (`ConvGeometry.prefersFFT`).
    case fft
    /// As `fft` (the same rule for which layers go through the frequency domain), computed with fewer operations and
    /// rounded differently, a separate setting so that the runs trained under `fft` keep their arithmetic: the D8
    /// group CNN's last layer, whose output is averaged over the group, convolves with the group-averaged filter
    /// instead (`GroupConv.groupAveraged`: the same function — convolution and average are both linear — with
    /// 1/|G| of that layer's output channels); on grids of at most 64 frequency bins the kernel's transforms are one
    /// product with the 2-D DFT matrix (`KernelTransforms.oneStage`); a 2-D kernel wider than its grid on every axis
    /// (the U-Nets' 2 × 2 bottlenecks under 5 × 5 kernels) keeps only the taps that can reach the grid
    /// (`ConvGeometry.tapsReachingTheGrid`: 3 × 3 of 5 × 5 on 2 × 2), and the smaller convolution goes the direct way.
    /// The isotropic SetConvs' Gaussian weights (`Tape.rbfWeights`) take their exponentials vectorised
    /// (`FastExp.gaussianWeights`, within 2 units in the last place), and the SetConvs' lengthscale gradients are summed in
    /// parallel parts added in a fixed order (fixed blocks; the separable weights' tasks): within ~10⁻¹⁶ of the
    /// in-order Double sum, and the same at every worker count.
    case fft2

    /// Whether a group convolution whose output is averaged over the group convolves with the averaged filter.
    public var averagesGroupFiltersFirst: Bool { self == .fft2 }

    /// Whether the SetConvs' Gaussian weights use the vectorised exponential and blocked lengthscale-gradient sums.
    public var vectorisesGaussians: Bool { self == .fft2 }

    /// Whether a 2-D kernel larger than its grid on every axis is cut to the taps that can reach the grid
    /// (`ConvGeometry.tapsReachingTheGrid`) before the convolution is dispatched.
    public var cropsKernelsToTheGrid: Bool { self == .fft2 }

    /// The process's setting: `AENP_CONVOLUTION` (`direct`, `fft` or `fft2`), `direct` when unset. Read once at start-up;
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
    /// Whether the frequency-domain convolution is used under `algorithms`: only with `.fft` or `.fft2` (the same
    /// rule) and groups = 1; in 2-D
    /// for kernels of at least 5 on both axes and grids of at least 4 on both axes, or smaller grids (the U-Nets'
    /// bottlenecks) with at least 128 · 128 input · output channels; in 1-D for kernels k ≥ 9 on grids of at most k²
    /// points (computed as the 2-D convolution of one column, `columnGeometry`). The rules are the measured ones
    /// (Docs/fft-convolution.md). 2-D (`npbench conv2d-fft`): 0.5–0.8× the faster direct method's time on every
    /// layer of at least 4 × 4 of the smoke U-Net and 0.14–0.56× at kernel 9. Below 4 × 4 (`npbench conv2d-fft
    /// tiny`, k = 5) forward + backward take 0.3–0.5× im2col's time from 2 × 2, 64 → 64 on, but the forward pass
    /// alone wins only from 128 → 128 channels (0.5–0.6×), so smaller bottlenecks (the smoke U-Net's 64 → 64, whose
    /// runs keep their arithmetic) stay direct. 1-D (`npbench conv1d-fft`, forward + backward against the shifted GEMM, 32 and 64 channels):
    /// 0.23–0.68× at k = 21 up to 256 points, 0.52–0.78× at k = 9 up to 64 and k = 13 up to 128; the dense
    /// transforms grow with the square of the length, so longer grids (and k = 5) lose.
    public func prefersFFT(under algorithms: ConvolutionAlgorithms) -> Bool {
        guard algorithms != .direct && groups == 1 else { return false }
        switch spatial.count {
        case 2: return kernel.allSatisfy { $0 >= 5 } && (spatial.allSatisfy { $0 >= 4 } || cin * cout >= 128 * 128)
        default: return kernel[0] >= 9 && spatial[0] <= kernel[0] * kernel[0]
        }
    }

    /// The central taps of a 2-D kernel that can reach a grid point from another (or the same) one, when that is
    /// fewer than the kernel's on every axis: with "same" padding an output point at i sees input i + d for tap
    /// offsets |d| ≤ (k − 1)/2, and inputs exist only for |d| ≤ s − 1, so a kernel k > 2s − 1 (odd k) has
    /// k − (2s − 1) taps on that axis that only ever meet the zero padding. The convolution with the central 2s − 1
    /// taps and its own "same" padding is the same function, with fewer operations (and rounded differently, as
    /// its sums have fewer terms). Nil for 1-D, even kernels, or when some axis would keep all its taps (the
    /// bottlenecks of the station grids, 3 × 2 under 5 × 5, keep the frequency-domain path).
    public var tapsReachingTheGrid: [Range<Int>]? {
        guard spatial.count == 2, kernel.allSatisfy({ $0 % 2 == 1 }) else { return nil }
        let reach = zip(spatial, kernel).map { s, k in min(k, 2 * s - 1) }
        guard zip(reach, kernel).allSatisfy({ $0 < $1 }) else { return nil }
        return zip(reach, kernel).map { r, k in ((k - r) / 2)..<((k + r) / 2) }
    }

    /// A 1-D convolution as the 2-D one it equals: the grid `[l]` as `[l, 1]` and the kernel `[k]` as `[k, 1]`.
    /// The channels-last layouts are the same arrays (`[m, l, c]` is `[m, l, 1, c]`, `[k, cin, cout]` is
    /// `[k, 1, cin, cout]`), so the FFT convolution runs on them unchanged; its real-input half spectrum is then
    /// along the grid.
    public var columnGeometry: ConvGeometry {
        require(spatial.count == 1, "columnGeometry is for 1-D convolutions, got spatial \(spatial)")
        return ConvGeometry(batch: batch, spatial: [spatial[0], 1], kernel: [kernel[0], 1], cin: cin, cout: cout, groups: groups)
    }
}

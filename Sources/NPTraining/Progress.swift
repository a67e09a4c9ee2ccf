import Foundation

/// A progress line on standard error: step, rate, loss, ETA. Redrawn in place on a terminal; on a pipe
/// (CI logs) printed at most every 10 seconds.
public final class ProgressReporter {
    let label: String
    var total = 0
    var firstStep = 0
    var start = Date()
    var lastPrint = Date.distantPast
    let interactive = isatty(STDERR_FILENO) != 0
    public let quiet: Bool

    public init(label: String, quiet: Bool = false) { self.label = label; self.quiet = quiet }

    func write(_ s: String) { FileHandle.standardError.write(Data(s.utf8)) }

    public func begin(total: Int, at step: Int) { self.total = total; firstStep = step; start = Date() }

    public func update(step: Int, loss: Double) {
        guard !quiet else { return }
        let now = Date()
        guard now.timeIntervalSince(lastPrint) >= (interactive ? 0.25 : 10) || step == total else { return }
        lastPrint = now
        let elapsed = now.timeIntervalSince(start)
        let rate = Double(step - firstStep) / max(elapsed, 1e-9)
        let eta = rate > 0 ? Double(total - step) / rate : 0
        let pct = 100 * Double(step) / Double(max(total, 1))
        let line = String(format: "[%@] step %d/%d (%.0f%%)  %.2f steps/s  loss %.4f  ETA %@", label, step, total, pct, rate, loss, ProgressReporter.duration(eta))
        write(interactive ? "\r\u{1B}[K" + line : line + "\n")
    }

    public func note(_ s: String) {
        guard !quiet else { return }
        write((interactive ? "\r\u{1B}[K" : "") + "[\(label)] \(s)\n")
    }

    public func finish() {
        guard !quiet else { return }
        if interactive { write("\n") }
    }

    public static func duration(_ s: Double) -> String {
        let t = Int(s.rounded())
        return t >= 3600 ? "\(t / 3600)h\(String(format: "%02d", (t % 3600) / 60))m" : t >= 60 ? "\(t / 60)m\(String(format: "%02d", t % 60))s" : "\(t)s"
    }
}

import Foundation

/// The training log as `Trainer` writes it beside a checkpoint (`train-log.csv`: step, train_loss_ema,
/// validation_loglik, seconds to 0.1 s), read back for a run whose checkpoint is not kept.
public enum TrainingLogCSV {
    /// The entries of the file (empty when it is missing; a malformed line is skipped).
    public static func read(_ url: URL) -> [LogEntry] {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").dropFirst().compactMap { line in
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard cells.count == 4, let step = Int(cells[0]), let loss = Double(cells[1]), let seconds = Double(cells[3]) else { return nil }
            return LogEntry(step: step, trainLoss: loss, validationLogLikelihood: Double(cells[2]), seconds: seconds)
        }
    }
}

import Foundation
import NPAutodiff
import NPModels
import NPTensor
import NPTraining

/// Test log-likelihoods with the predictive standard deviation floored at evaluation only: σ' = max(σ, floor), where
/// σ is what the trained model predicts (its own training floor included). A floor of 0 leaves σ as it is and
/// reproduces `Evaluation.perTaskLogLikelihood` (up to float rounding: this sums in double precision). How much a
/// score rises under a floor is how much of it was lost to targets predicted with a σ below that floor.
public enum FlooredEvaluation {
    /// Per floor (in the order of `floors`), per task (in batch order): the average over the task's real targets and
    /// output dimensions of log N(y; μ, max(σ, floor)²). One forward pass per batch serves every floor.
    public static func perTaskLogLikelihood(_ model: NeuralProcess, _ batches: [TaskBatch], _ sw: FixedInputSwitch,
                                            floors: [Double]) -> [[Double]] {
        var out = [[Double]](repeating: [], count: floors.count)
        let half = 0.5 * Foundation.log(2 * Double.pi)
        for b in batches {
            let p = model.predict(Tape(recording: false), b, fixedInputs: sw)
            let mu = p.mean.scalars, sigma = p.standardDeviation, y = b.yt.scalars
            for t in 0..<b.taskCount {
                let indices = Evaluation.realTargetIndices(b, task: t)
                var sums = [Double](repeating: 0, count: floors.count)
                for j in indices {
                    let r = Double(y[j]) - Double(mu[j]), s = Double(sigma[j])
                    for (f, floor) in floors.enumerated() {
                        let sd = max(s, floor)
                        sums[f] += -half - Foundation.log(sd) - 0.5 * (r / sd) * (r / sd)
                    }
                }
                for f in floors.indices { out[f].append(sums[f] / Double(max(indices.count, 1))) }
            }
        }
        return out
    }
}

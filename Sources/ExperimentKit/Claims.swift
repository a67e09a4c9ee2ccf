import Foundation
import NPTraining

/// One of the paper's claims as data: where it is made, its wording and numbers, and the comparison that tests it.
public struct Claim: Codable, Sendable, Equatable {
    public var id: String
    public var experiment: String
    /// "Table 1", "Table 5", "Sec. 5.1", …
    public var paperItem: String
    /// The paper's wording (quoted or closely paraphrased) and its numbers.
    public var statement: String
    /// The comparison that tests it, in words ("ConvCNP (T̃) − ConvCNP (T), ID log-likelihood, paired").
    public var test: String
    public var kind: Kind

    public enum Kind: String, Codable, Sendable {
        /// The difference is positive: supported when it is `Verdict.threshold` standard errors above zero.
        case greater
        /// The difference is not below −`Verdict.margin` ("matches or beats", a non-inferiority test): supported
        /// when it is `Verdict.threshold` standard errors above −margin, contradicted when it is that far below.
        /// (A difference that is merely not significantly negative is not evidence of "not worse".)
        case notWorse
        /// The difference lies within ±`Verdict.margin` (an equivalence test: no difference, or our estimate
        /// agrees with the paper's number): supported when it is `Verdict.threshold` standard errors inside the
        /// band, contradicted when it is that far outside.
        case matches
    }

    public init(id: String, experiment: String, paperItem: String, statement: String, test: String, kind: Kind) {
        self.id = id; self.experiment = experiment; self.paperItem = paperItem; self.statement = statement
        self.test = test; self.kind = kind
    }
}

/// The outcome of testing a claim on one scale's results.
public enum Verdict: String, Codable, Sendable {
    case supported = "supported"
    case contradicted = "contradicted"
    case notResolved = "not resolved"
    case notMeasured = "not measured at this scale"

    /// How many standard errors make a difference "several": the one threshold every verdict uses.
    public static let threshold = 3.0
    /// Seeds from which a comparison of trained models is judged by its across-seed standard error.
    public static let minimumSeeds = 3
    /// The smallest difference in log-likelihood (nats per target) that counts as a real difference in the
    /// "not worse" and "no difference" claims: 2.5 × the 0.004 standard deviation the paper gives for its 1-D
    /// ablation (Table 5), and a quarter of the 0.039 nats that fixed inputs can gain at most in the 1-D task.
    public static let margin = 0.01

    /// The rule above in words, for captions and reports.
    public static let rule = "A claim is supported only when the difference that tests it lies at least \(Int(threshold)) standard errors from zero in the claimed direction; a “not worse” claim only when the difference lies \(Int(threshold)) standard errors above −\(margin) nats (non-inferiority with a \(margin)-nat margin), a “no difference” claim only when it lies \(Int(threshold)) standard errors inside ±\(margin) nats (equivalence). The same distance on the wrong side contradicts a claim; anything between leaves it not resolved."

    /// The verdict of `kind` for a difference `estimate` (nil: the runs it needs do not exist).
    public static func of(_ kind: Claim.Kind, _ estimate: Estimate?) -> Verdict {
        guard let e = estimate else { return .notMeasured }
        let z = e.standardErrors
        // A distance in standard errors (an exact estimate, standard error 0, is infinitely many of them).
        func inStandardErrors(_ x: Double) -> Double { e.standardError > 0 ? x / e.standardError : x > 0 ? .infinity : x < 0 ? -.infinity : 0 }
        switch kind {
        case .greater: return z >= threshold ? .supported : z <= -threshold ? .contradicted : .notResolved
        case .notWorse:
            let above = inStandardErrors(e.mean + margin)
            return above >= threshold ? .supported : above <= -threshold ? .contradicted : .notResolved
        case .matches:
            let inside = inStandardErrors(margin - abs(e.mean))
            return inside >= threshold ? .supported : inside <= -threshold ? .contradicted : .notResolved
        }
    }
}

extension Estimate {
    /// How far the estimate lies inside `range` (min(mean − lower, upper − mean); negative outside), with the
    /// estimate's standard error: a "lies within the range" claim is then a `.greater` claim on this distance.
    public func distanceInside(_ range: ClosedRange<Double>) -> Estimate {
        var d = self
        d.mean = Swift.min(mean - range.lowerBound, range.upperBound - mean)
        return d
    }
}

/// A claim with its test on the results of one scale.
public struct EvaluatedClaim: Codable, Sendable {
    public var claim: Claim
    public var scale: String
    /// The tested difference (paired where the claim compares models on the same tasks).
    public var difference: Estimate?
    /// The same difference over independently trained seeds: one value per seed (each a mean over the test tasks),
    /// so its standard error includes seed-to-seed variation. nil where the models were trained once.
    public var acrossSeeds: Estimate?
    /// The verdict: from `acrossSeeds` when there are at least `Verdict.minimumSeeds` seeds, else from `difference`.
    public var verdict: Verdict
    /// What the numbers were, for the reader ("−0.724 vs −0.822").
    public var detail: String

    public init(_ claim: Claim, scale: String, difference: Estimate?, acrossSeeds: Estimate? = nil, detail: String) {
        self.claim = claim; self.scale = scale; self.difference = difference; self.acrossSeeds = acrossSeeds
        let seeds = acrossSeeds.map { $0.count >= Verdict.minimumSeeds } ?? false
        self.verdict = Verdict.of(claim.kind, seeds ? acrossSeeds : difference); self.detail = detail
    }
}

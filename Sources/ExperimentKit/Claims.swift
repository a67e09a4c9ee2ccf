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
        /// The difference is not negative ("matches or beats"): contradicted when it is `Verdict.threshold`
        /// standard errors below zero, supported otherwise.
        case notWorse
        /// Our estimate agrees with the paper's number: the difference is within `Verdict.threshold` combined
        /// standard errors of zero.
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

    /// The verdict of `kind` for a difference `estimate` (nil: the runs it needs do not exist).
    public static func of(_ kind: Claim.Kind, _ estimate: Estimate?) -> Verdict {
        guard let e = estimate else { return .notMeasured }
        let z = e.standardErrors
        switch kind {
        case .greater: return z >= threshold ? .supported : z <= -threshold ? .contradicted : .notResolved
        case .notWorse: return z <= -threshold ? .contradicted : .supported
        case .matches: return abs(z) < threshold ? .supported : .contradicted
        }
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

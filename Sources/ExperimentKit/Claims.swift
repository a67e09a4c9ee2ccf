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
        /// The difference is positive: supported when it is the critical value (`Verdict.criticalValue`: 3, or its
        /// Student-t equivalent) in standard errors above zero, contradicted when it is that far below.
        case greater
        /// The difference is not below −`Verdict.margin` ("matches or beats", a non-inferiority test): supported
        /// when it is the critical value in standard errors above −margin, contradicted when it is that far below.
        /// (A difference that is merely not significantly negative is not evidence of "not worse".)
        case notWorse
        /// The difference lies within ±`Verdict.margin` (an equivalence test: no difference, or our estimate
        /// agrees with the paper's number): supported when it is the critical value in standard errors inside the
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

    /// The verdict as tables and the README print it: a contradiction is a contradiction at the budget it was
    /// measured with, never a refutation of the paper.
    public var display: String { self == .contradicted ? "contradicted at this budget" : rawValue }
    /// Seeds from which a comparison of trained models is judged by its across-seed standard error.
    public static let minimumSeeds = 3
    /// The smallest difference in log-likelihood (nats per target) that counts as a real difference in the
    /// "not worse" and "no difference" claims: 2.5 × the 0.004 standard deviation the paper gives for its 1-D
    /// ablation (Table 5), and a quarter of the 0.039 nats that fixed inputs can gain at most in the 1-D task.
    public static let margin = 0.01

    /// The rule above in words, for captions and reports.
    public static let rule = "A claim is supported only when the difference that tests it lies at least \(Int(threshold)) standard errors from zero in the claimed direction; a “not worse” claim only when the difference lies that far above −\(margin) nats (non-inferiority with a \(margin)-nat margin), a “no difference” claim only when it lies that far inside ±\(margin) nats (equivalence). Where the standard error rests on few units (n training seeds, n month clusters) “that far” is the Student-t value with n − 1 degrees of freedom at the same two-sided tail probability (\(String(format: "%.4f", tailProbability))): \(String(format: "%.1f", criticalValue(degreesOfFreedom: 2))) standard errors for three seeds. The same distance on the wrong side contradicts a claim; anything between leaves it not resolved."

    /// The tail probability that `threshold` standard errors leave under a normal distribution (two-sided,
    /// 0.0027): the one error rate every verdict is held to.
    public static let tailProbability = erfc(threshold / 2.0.squareRoot())

    /// How many standard errors a verdict needs: `threshold` when the standard error rests on many independent
    /// values (tasks); with `degreesOfFreedom` (few units: seeds, month clusters) the Student-t value with the same
    /// tail probability, e.g. 19.2 for three seeds (2 degrees of freedom), 3.5 for 24 clusters.
    public static func criticalValue(degreesOfFreedom: Int?) -> Double {
        guard let df = degreesOfFreedom else { return threshold }
        precondition(df >= 1, "a standard error from one unit has no degrees of freedom")
        return StudentT.criticalValue(twoSidedTail: tailProbability, degreesOfFreedom: Double(df))
    }

    /// The statistic a verdict compares with the critical value: the estimate's distance, in its standard errors,
    /// from the boundary the claim must clear in its direction — zero for `.greater`, −`margin` for `.notWorse`,
    /// the edge of ±`margin` for `.matches` (positive inside). An exact estimate (standard error 0) is infinitely
    /// many standard errors from a boundary it does not sit on.
    public static func statistic(_ kind: Claim.Kind, _ e: Estimate) -> Double {
        func inStandardErrors(_ x: Double) -> Double { e.standardError > 0 ? x / e.standardError : x > 0 ? .infinity : x < 0 ? -.infinity : 0 }
        switch kind {
        case .greater: return e.standardErrors
        case .notWorse: return inStandardErrors(e.mean + margin)
        case .matches: return inStandardErrors(margin - abs(e.mean))
        }
    }

    /// The verdict of `kind` for a difference `estimate` (nil: the runs it needs do not exist); with
    /// `degreesOfFreedom` its standard error rests on that many + 1 independent units (see `criticalValue`).
    public static func of(_ kind: Claim.Kind, _ estimate: Estimate?, degreesOfFreedom: Int? = nil) -> Verdict {
        guard let e = estimate else { return .notMeasured }
        return of(statistic: statistic(kind, e), needed: criticalValue(degreesOfFreedom: degreesOfFreedom))
    }

    /// The verdict of a statistic against the standard errors it needs, either way.
    static func of(statistic t: Double, needed: Double) -> Verdict {
        t >= needed ? .supported : t <= -needed ? .contradicted : .notResolved
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
    /// The verdict: from `acrossSeeds` when there are at least `Verdict.minimumSeeds` seeds (against the Student-t
    /// critical value for seeds − 1 degrees of freedom), else from `difference`.
    public var verdict: Verdict
    /// The deciding estimate's `Verdict.statistic` and the number of standard errors it needed
    /// (`Verdict.criticalValue`); nil where nothing was measured, and in files written before they were recorded.
    public var statistic: Double?
    public var criticalValue: Double?
    /// What the numbers were, for the reader ("−0.724 vs −0.822").
    public var detail: String

    /// `differenceUnits`: set when `difference`'s standard error rests on few independent units (month clusters);
    /// it is then judged with units − 1 degrees of freedom, as the across-seed estimate is with seeds − 1.
    public init(_ claim: Claim, scale: String, difference: Estimate?, acrossSeeds: Estimate? = nil,
                differenceUnits: Int? = nil, detail: String) {
        self.claim = claim; self.scale = scale; self.difference = difference; self.acrossSeeds = acrossSeeds
        self.detail = detail
        let seeds = acrossSeeds.map { $0.count >= Verdict.minimumSeeds } ?? false
        guard let deciding = seeds ? acrossSeeds : difference else {
            verdict = .notMeasured; statistic = nil; criticalValue = nil; return
        }
        let units = seeds ? deciding.count : differenceUnits
        let needed = Verdict.criticalValue(degreesOfFreedom: units.flatMap { $0 > 1 ? $0 - 1 : nil })
        let t = Verdict.statistic(claim.kind, deciding)
        verdict = Verdict.of(statistic: t, needed: needed)
        // (JSON has no infinity: an exact estimate's infinite statistic is left out.)
        statistic = t.isFinite ? t : nil
        criticalValue = needed
    }
}

extension EvaluatedClaim {
    /// The estimate the verdict was read from: the across-seed difference with at least `Verdict.minimumSeeds`
    /// seeds, else the (paired) difference of one seed; nil where nothing was measured.
    public var decidingEstimate: Estimate? {
        if let s = acrossSeeds, s.count >= Verdict.minimumSeeds { return s }
        return difference
    }

    /// The smallest distance from the claim's boundary (zero; −`Verdict.margin` for "not worse"; the edge of the
    /// ±margin band for "no difference") that this run could have resolved: the critical value times the deciding
    /// standard error. An effect smaller than this is one the run cannot decide either way.
    public var resolvableFrom: Double? {
        guard let e = decidingEstimate, let needed = criticalValue else { return nil }
        return needed * e.standardError
    }
}

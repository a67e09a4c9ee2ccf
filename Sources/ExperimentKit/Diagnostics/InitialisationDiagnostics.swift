import Foundation
import NPAutodiff
import NPModels
import NPNN
import NPReport
import NPTensor
import NPTraining

/// What a model does on the first training batch of a run, before any update: the training loss exactly as the
/// `Trainer` computes it (the model built from stream 0 of the seed, the batch drawn from stream 1, the fixed-input
/// dropout from stream 2, `NeuralProcess.loss`, one backward pass), the gradient it produces, and a trivial
/// predictor's loss on the same batch for scale. Nothing is trained or written to the run store.
public struct InitialisationProbe: Codable, Sendable, Equatable {
    public var seed: UInt64
    /// Minus the log-likelihood per real target (and output dimension), as the Trainer's loss.
    public var loss: Double
    /// The same for the trivial predictor `TrivialPredictor.negativeLogLikelihood` on the same batch.
    public var trivialLoss: Double
    /// The global L2 norm of the gradient of `loss` (what norm clipping compares with its threshold).
    public var gradientNorm: Double
    /// The share of all parameter elements whose gradient value clipping at `clip` would change (|g| > clip).
    public var clippedShare: Double
    /// Batch size and real targets of the batch.
    public var tasks: Int
    public var targets: Int
}

/// The trivial predictor of the diagnostics: one Gaussian for the whole batch, with the mean and standard deviation of
/// the batch's real context values (per output dimension), σ at least `floor`.
public enum TrivialPredictor {
    /// Minus the log-likelihood of the batch's real targets under N(mean_c, max(std_c, floor)²), averaged over real
    /// targets and output dimensions as `NeuralProcess.loss` averages.
    public static func negativeLogLikelihood(_ b: TaskBatch, floor: Double) -> Double {
        let (m, nc, nt, dy) = (b.taskCount, b.contextCount, b.targetCount, b.outputDimension)
        var total = 0.0, count = 0.0
        for k in 0..<dy {
            var s = 0.0, s2 = 0.0, n = 0.0
            for t in 0..<m { for i in 0..<nc where b.contextMask.map({ $0.scalars[t * nc + i] != 0 }) ?? true {
                let v = Double(b.yc.scalars[(t * nc + i) * dy + k]); s += v; s2 += v * v; n += 1
            } }
            let mean = s / max(n, 1)
            let sd = max((max(s2 / max(n, 1) - mean * mean, 0)).squareRoot(), floor)
            for t in 0..<m { for i in 0..<nt where b.targetMask.map({ $0.scalars[t * nt + i] != 0 }) ?? true {
                let z = (Double(b.yt.scalars[(t * nt + i) * dy + k]) - mean) / sd
                total += 0.5 * Foundation.log(2 * Double.pi) + Foundation.log(sd) + 0.5 * z * z
                count += 1
            } }
        }
        return total / max(count, 1)
    }
}

/// Mean, smallest and largest of a few values.
public struct Spread: Codable, Sendable, Equatable {
    public var mean: Double
    public var min: Double
    public var max: Double
    public var median: Double
    public init(_ values: [Double]) {
        mean = values.reduce(0, +) / Double(Swift.max(values.count, 1))
        min = values.min() ?? .nan; max = values.max() ?? .nan
        let sorted = values.sorted(), n = sorted.count
        median = n == 0 ? .nan : (n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2)
    }
}

extension Experiment {
    /// Training seeds of the initialisation diagnostic.
    public static var initialisationSeeds: [UInt64] { Array(0..<10) }

    /// `run` at initialisation for each of `seeds` (the run's seed replaced): the Trainer's first-batch loss, the
    /// gradient norm and the share of elements value clipping at `clip` would clip, and the trivial predictor's loss
    /// on that batch (σ floored at `trivialFloor`). The model, the batch and the dropout draw are those the Trainer
    /// would use for its first step of a run with that seed.
    /// `scheme` replaces the run's initialisation scheme (nil: the run's own).
    public func initialisationProbes(_ run: Run, seeds: [UInt64], scheme: InitialisationScheme? = nil, clip: Float = 0.5,
                                     trivialFloor: Double = 0.01) throws -> [InitialisationProbe] {
        let data = try trainingData(for: run)
        var spec = run.model
        if let scheme { spec.initialisation = scheme }
        return seeds.map { seed in
            var modelRNG = RandomGenerator(seed: seed, stream: 0)
            var dataRNG = RandomGenerator(seed: seed, stream: 1)
            var dropoutRNG = RandomGenerator(seed: seed, stream: 2)
            let model = spec.build(rng: &modelRNG)
            let batch = data.sampleBatch(&dataRNG)
            let tape = Tape()
            let loss = model.loss(tape, batch, fixedInputs: model.trainingSwitch(tasks: batch.taskCount, using: &dropoutRNG))
            tape.backward(from: loss)
            var squares = 0.0, clipped = 0, elements = 0
            for p in model.parameters.parameters {
                elements += p.value.count
                for g in p.gradStorage {
                    squares += Double(g) * Double(g)
                    if abs(g) > clip { clipped += 1 }
                }
            }
            let targets = batch.targetMask.map { Int($0.scalars.reduce(0, +)) } ?? batch.taskCount * batch.targetCount
            return InitialisationProbe(seed: seed, loss: Double(loss.scalars[0]),
                                       trivialLoss: TrivialPredictor.negativeLogLikelihood(batch, floor: trivialFloor),
                                       gradientNorm: squares.squareRoot(), clippedShare: Double(clipped) / Double(max(elements, 1)),
                                       tasks: batch.taskCount, targets: targets)
        }
    }

    /// The initialisation table of `groups` of (label, run) over `seeds`: per model the first-batch loss (mean, range),
    /// the trivial predictor's loss on the same batches, the gradient norm (mean, largest) and the share of gradient
    /// elements value clipping at 0.5 would clip. Written as `name` with a JSON of every probe beside it
    /// (`<name>.probes.json`); returns the probes by label. With `alternative`, every group is repeated below with
    /// the models built by that scheme instead of their runs' own (labels suffixed with the scheme's name), so the
    /// table shows what the initialisation changes.
    @discardableResult
    public func writeInitialisationTable(groups: [(String?, [(String, Run)])], seeds: [UInt64] = Self.initialisationSeeds, name: String, item: String,
                                         captionPrefix: String, note: String?,
                                         alternative: InitialisationScheme? = nil) throws -> [String: [InitialisationProbe]] {
        let started = Date()
        var probes: [String: [InitialisationProbe]] = [:]
        var runs: [Run] = []
        func cell(_ v: Double) -> TableCell { v.isFinite ? .value(v) : .text(v.isNaN ? "NaN" : "∞") }
        let own = groups.first?.1.first?.1.model.initialisation ?? .kaiming
        var schemed: [(String?, [(String, Run, InitialisationScheme?)])] = groups.map { g in
            (g.0.map { alternative == nil ? $0 : "\($0), \(own.rawValue) (as trained)" }, g.1.map { ($0.0, $0.1, nil) })
        }
        if let alternative {
            schemed += groups.map { g in
                ("\(g.0 ?? "Models"), \(alternative.rawValue) (not trained)", g.1.map { ("\($0.0) [\(alternative.rawValue)]", $0.1, alternative) })
            }
        }
        let rowGroups: [RowGroup] = try schemed.map { g in
            RowGroup(g.0, try g.1.map { label, run, scheme in
                say("initialisation: \(label), \(seeds.count) seeds")
                let p = try initialisationProbes(run, seeds: seeds, scheme: scheme)
                probes[label] = p
                if !runs.contains(run) { runs.append(run) }
                let loss = Spread(p.map(\.loss)), trivial = Spread(p.map(\.trivialLoss)), norm = Spread(p.map(\.gradientNorm))
                let share = Spread(p.map { 100 * $0.clippedShare })
                return TableRow(label, [cell(loss.mean), cell(loss.median), cell(loss.min), cell(loss.max), cell(trivial.mean),
                                        cell(loss.median - trivial.median), cell(norm.mean), cell(norm.max), cell(share.mean), cell(share.max)])
            })
        }
        let clipping: String
        switch runs.first?.schedule.clipping {
        case .value(let c)?: clipping = "value at \(c)"
        case .norm(let c)?: clipping = "global norm at \(c)"
        default: clipping = "nothing"
        }
        let table = try ResultsTable(
            caption: captionPrefix + " Each model is built as its run would be for seeds \(seeds.first!)–\(seeds.last!) (\(seeds.count) seeds) and scored on the first training batch of that seed, with the Trainer's loss (minus the log-likelihood per real target, fixed-input dropout as in training) and one backward pass. Trivial: one Gaussian per batch with the mean and standard deviation of the batch's context values (σ ≥ 0.01), on the same batches. Gradient norm: global L2 norm before clipping; clipped: the share of all parameter elements with |g| > 0.5, which value clipping at 0.5 would clip (the runs themselves clip by \(clipping)). A model whose loss at initialisation lies far above the trivial predictor's starts exploded.\(alternative == nil ? "" : " Initialisation schemes: kaiming, the authors' (Kaiming initialisation of every layer); calibrated, ours (the head's output layer starts at zero, the SetConv decoder's kernels are divided by their initial mass, relaxed convolutions use 1 + t/3; Docs/deviations.md).")",
            label: "tab:\(name)",
            columns: [TableColumn("NLL mean", group: "first-batch NLL", preference: .none), TableColumn("median", group: "first-batch NLL", preference: .none),
                      TableColumn("min", group: "first-batch NLL", preference: .none),
                      TableColumn("max", group: "first-batch NLL", preference: .none), TableColumn("trivial NLL", preference: .none),
                      TableColumn("median NLL − trivial", preference: .none),
                      TableColumn("mean", group: "gradient norm", preference: .none), TableColumn("max", group: "gradient norm", preference: .none),
                      TableColumn("mean", group: "clipped at 0.5 (%)", preference: .none), TableColumn("max", group: "clipped at 0.5 (%)", preference: .none)],
            groups: rowGroups, decimals: 2, note: note)
        try write(table, name: name, item: item, runs: runs, started: started)
        try writeJSON(probes, to: tablesDirectory.appendingPathComponent("\(name).probes.json"))
        return probes
    }
}

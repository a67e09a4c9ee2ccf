import AtomicFile
import Foundation
import Gibbs1D
import NPAutodiff
import NPData
import NPModels
import NPNN
import NPTensor

/// One trained run as the exporter sees it: its folder, configuration and model with trained weights.
struct TrainedRun {
    let directory: URL
    let config: RunConfig
    let model: NeuralProcess

    var name: String { directory.lastPathComponent }

    /// Builds the model from `config.json` (the same builder and seed as training) and loads `checkpoint.safetensors`.
    init(directory: URL) throws {
        let configURL = directory.appendingPathComponent("config.json")
        let checkpointURL = directory.appendingPathComponent("checkpoint.safetensors")
        for url in [configURL, checkpointURL] where !FileManager.default.fileExists(atPath: url.path) {
            throw PeerExportError.missingFile(url.path)
        }
        config = try JSONDecoder().decode(RunConfig.self, from: Data(contentsOf: configURL))
        var rng = RandomGenerator(seed: config.seed, stream: 0)
        model = config.model.build(rng: &rng)
        _ = try Checkpoint.load(into: model.parameters, optimiser: nil, from: checkpointURL)
        self.directory = directory
    }
}

enum PeerExportError: Error, CustomStringConvertible {
    case missingFile(String)
    case noRuns(String)
    case usage(String)

    var description: String {
        switch self {
        case .missingFile(let p): return "missing file \(p) (a run folder holds config.json and checkpoint.safetensors)"
        case .noRuns(let p): return "no run folders (with config.json and checkpoint.safetensors) under \(p)"
        case .usage(let s): return s
        }
    }
}

/// The fixed batch and our predictions that `Tools/peer/check.py` compares the PyTorch twin against.
/// Tensor names and shapes are documented in Docs/peer-files.md.
enum PeerBatch {
    static let formatVersion = "2"

    /// Splits written: in distribution (the run's own data generator) and out of distribution (contexts
    /// centred in [13, 27], where every fixed input is zeroed by the domain box).
    static func splits(_ config: RunConfig) -> [(name: String, data: GibbsGPConfig, stream: UInt64)] {
        var ood = config.data
        ood.centreRange = GibbsGPConfig.outOfDistribution(kernel: config.data.kernel).centreRange
        return [("id", config.data, 0), ("ood", ood, 1)]
    }

    /// Tensors for one run: per split the batch (xc, yc, xt, yt) and, for fixed inputs on and forced off,
    /// predictive mean, standard deviation and the training loss (minus the mean log-likelihood); for the
    /// in-distribution batch with fixed inputs on, also the loss's gradient for every parameter.
    static func tensors(_ run: TrainedRun, seed: UInt64, tasks: Int) -> [String: Tensor] {
        var out: [String: Tensor] = [:]
        for split in splits(run.config) {
            var rng = RandomGenerator(seed: seed, stream: split.stream)
            let batch = GibbsGPSampler(split.data).sampleBatch(tasks: tasks, using: &rng).batch
            out["\(split.name).xc"] = batch.xc
            out["\(split.name).yc"] = batch.yc
            out["\(split.name).xt"] = batch.xt
            out["\(split.name).yt"] = batch.yt
            for (label, sw) in [("on", FixedInputSwitch.on), ("off", .off)] {
                let tape = Tape()
                let p = run.model.predict(tape, xc: batch.xc, yc: batch.yc, xt: batch.xt, fixedInputs: sw)
                let loss = tape.negate(tape.meanAll(p.logLikelihood(tape, batch.yt)))
                out["\(split.name).mean_\(label)"] = p.mean.value
                out["\(split.name).std_\(label)"] = Tensor(shape: p.mean.shape, scalars: p.standardDeviation)
                out["\(split.name).loss_\(label)"] = Tensor(shape: [1], scalars: [loss.value.scalars[0]])
                if split.name == "id" && sw == .on {   // gradients of that loss, for the backward pass's check
                    tape.backward(from: loss)
                    for (name, p) in run.model.parameters.named { out["id.grad_on.\(name)"] = p.grad }
                    run.model.parameters.zeroGrad()
                }
            }
        }
        return out
    }

    static func metadata(_ run: TrainedRun, seed: UInt64, tasks: Int) -> [String: String] {
        ["format": "peer-batch", "version": formatVersion, "run": run.name, "model": run.config.model.kind.rawValue,
         "seed": String(seed), "tasks": String(tasks), "splits": splits(run.config).map(\.name).joined(separator: ",")]
    }

    /// Writes `<outputRoot>/<run name>/peer-batch.safetensors` and returns its URL.
    static func write(_ run: TrainedRun, seed: UInt64, tasks: Int, outputRoot: URL) throws -> URL {
        let dir = outputRoot.appendingPathComponent(run.name)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent("peer-batch.safetensors")
        let data = try SafeTensors.encode(tensors(run, seed: seed, tasks: tasks), metadata: metadata(run, seed: seed, tasks: tasks))
        try writeAtomically(data, to: url)
        return url
    }
}

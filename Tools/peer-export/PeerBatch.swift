import AtomicFile
import Foundation
import Gibbs1D
import NPAutodiff
import NPData
import NPModels
import NPNN
import NPTensor

/// The part of any run's `config.json` the exporter needs: the model's specification (every experiment's run
/// configuration has it under `model`) and, optionally, the seed.
struct AnyRunConfig: Codable {
    var model: ModelSpec
    var seed: UInt64?
}

/// One model as the exporter sees it: a folder (a trained run, or a fresh model `--spec`/`--fresh` wrote), its
/// specification and the model with the folder's weights. `gibbs` is set for runs of the 1-D experiment, whose
/// batches come from its own task sampler.
struct PeerModel {
    let directory: URL
    let spec: ModelSpec
    let model: NeuralProcess
    let gibbs: RunConfig?

    var name: String { directory.lastPathComponent }

    /// Builds the model from `config.json` and loads `checkpoint.safetensors` (parameters; the optimiser state,
    /// if any, is ignored).
    init(directory: URL) throws {
        let configURL = directory.appendingPathComponent("config.json")
        let checkpointURL = directory.appendingPathComponent("checkpoint.safetensors")
        for url in [configURL, checkpointURL] where !FileManager.default.fileExists(atPath: url.path) {
            throw PeerExportError.missingFile(url.path)
        }
        let data = try Data(contentsOf: configURL)
        let any = try JSONDecoder().decode(AnyRunConfig.self, from: data)
        gibbs = any.model.dx == 1 ? try? JSONDecoder().decode(RunConfig.self, from: data) : nil
        spec = any.model
        var rng = RandomGenerator(seed: any.seed ?? 0, stream: 0)
        model = spec.build(rng: &rng)
        _ = try Checkpoint.load(into: model.parameters, optimiser: nil, from: checkpointURL)
        self.directory = directory
    }

    /// Writes a freshly initialised model of `spec` (built with `seed`) as a folder the twin opens like a run:
    /// `config.json` ({"model": spec, "seed": seed, "fresh": true}) and `checkpoint.safetensors` (parameters only).
    static func writeFresh(_ spec: ModelSpec, seed: UInt64, to dir: URL) throws -> PeerModel {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var rng = RandomGenerator(seed: seed, stream: 0)
        let model = spec.build(rng: &rng)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        struct Fresh: Codable { var model: ModelSpec; var seed: UInt64; var fresh = true }
        try writeAtomically(try encoder.encode(Fresh(model: spec, seed: seed)), to: dir.appendingPathComponent("config.json"))
        try Checkpoint.save(store: model.parameters, optimiser: nil, metadata: ["fresh": "true", "seed": String(seed)],
                            to: dir.appendingPathComponent("checkpoint.safetensors"))
        return try PeerModel(directory: dir)
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

/// The specifications `--fresh PRESET` exports: every 2-D convolutional kind on the pixel lattice of the smoke
/// frame (on-grid path, σ = softplus(raw) head) and off the grid (SetConv path, stations-like points), and the
/// three pseudo-token TNPs with 2-D and 4-D inputs. Fixed inputs are zero outside (−5, 5)^d (the frame and the
/// station box lie inside it). The on-grid and 2-D PT-TNP models take the smoke experiment's head (σ = softplus(raw)
/// + 0.01). Folder names: `<kind>-<path>`.
enum FreshSpecs {
    static let cnnKinds: [ModelKind] = [.convCNPT, .convCNPTApprox, .relaxedConvCNP, .equivCNPE, .equivCNPEApprox]
    static let pseudoTokenKinds: [ModelKind] = [.ptTNP, .ptTNPT, .ptTNPTApprox]

    static func all(preset name: String) throws -> [(name: String, spec: ModelSpec)] {
        guard let grid = GridCNNPreset.named(name), let tnp = ModelPreset.named(name) else {
            throw PeerExportError.usage("--fresh takes ci, quick or paper, got \(name)")
        }
        let box2 = DomainBox(lower: [-5, -5], upper: [5, 5])
        let lattice = PixelLattice.standardisedFrame(size: [128, 128])
        var out: [(String, ModelSpec)] = []
        for kind in cnnKinds {
            // The smoke experiment's head: σ = softplus(raw) + 0.01.
            out.append(("\(kind.rawValue)-gridded", .grid2D(kind, sizes: grid, lattice: lattice, domain: box2, standardDeviationHead: true, scaleFloor: 0.01)))
            out.append(("\(kind.rawValue)-setconv", .grid2D(kind, sizes: grid, lattice: nil, domain: box2)))
        }
        for kind in pseudoTokenKinds {
            for dx in [2, 4] {
                let smokeHead = HeadSpec(parameterisation: .standardDeviationSoftplus, floor: 0.01)
                out.append(("\(kind.rawValue)-\(dx)d", .attention(kind, sizes: tnp.tnp, inputDimension: dx,
                                                                  domain: DomainBox(lower: .init(repeating: -5, count: dx), upper: .init(repeating: 5, count: dx)),
                                                                  positionDivisor: 7, head: dx == 2 ? smokeHead : .variance)))
            }
        }
        return out
    }
}

/// Fixed batches in any input dimension for models outside the 1-D experiment, each with unequal context and
/// target counts per task (padded, with masks):
/// * `gridded` (a model with a pixel lattice): 32 × 32 patches of the 128 × 128 frame at random places, 10–250
///   context pixels and 20–120 target pixels, all distinct, outputs U[0, 1];
/// * `stations` (the 2-D SetConv path): 20–100 context and 10–50 target points uniform on [−2, 2] × [−1.3, 1.3],
///   outputs N(0, 1);
/// * `points` (pseudo-token TNPs): 16–64 context and 16–64 target points uniform on [−3, 3]^dx, outputs N(0, 1).
/// The `ood` split is the same batch moved (by whole pixels on the lattice, whole grid steps on the SetConv path)
/// until every input, every grid point and every pseudo-location lies beyond the upper corner of the fixed-input
/// domain: fixed inputs are zero there, and the (T)/(E) models' predictions are those of the `id` batch. A model
/// without fixed inputs has no domain: its batch moves until those points lie beyond the origin.
enum SyntheticBatches {
    static func kind(_ spec: ModelSpec) -> String {
        spec.pixelLattice != nil ? "gridded" : spec.gridCNN != nil ? "stations" : "points"
    }

    static func batch(_ spec: ModelSpec, tasks m: Int, rng: inout RandomGenerator) -> TaskBatch {
        let dx = spec.dx, dy = spec.dy
        var tasks: [SingleTask] = []
        for _ in 0..<m {
            switch kind(spec) {
            case "gridded":
                let lattice = spec.pixelLattice!
                let (o0, o1) = (rng.integer(in: 0...96), rng.integer(in: 0...96))
                var pixels = (0..<1024).map { [o0 + $0 / 32, o1 + $0 % 32] }
                for i in stride(from: 1023, to: 0, by: -1) { pixels.swapAt(i, rng.integer(in: 0...i)) }
                let nc = rng.integer(in: 10...250), nt = rng.integer(in: 20...120)
                func part(_ p: ArraySlice<[Int]>) -> (Tensor, Tensor) {
                    (Tensor(shape: [p.count, 2], scalars: p.flatMap { lattice.position($0) }),
                     Tensor(shape: [p.count, dy], scalars: (0..<(p.count * dy)).map { _ in Float(rng.uniform()) }))
                }
                let (xc, yc) = part(pixels[0..<nc]), (xt, yt) = part(pixels[nc..<(nc + nt)])
                tasks.append(SingleTask(xc: xc, yc: yc, xt: xt, yt: yt))
            case "stations":
                let nc = rng.integer(in: 20...100), nt = rng.integer(in: 10...50)
                func points(_ n: Int) -> Tensor {
                    Tensor(shape: [n, 2], scalars: (0..<(2 * n)).map { Float($0 % 2 == 0 ? rng.uniform(-2, 2) : rng.uniform(-1.3, 1.3)) })
                }
                let xc = points(nc), xt = points(nt)
                tasks.append(SingleTask(xc: xc, yc: rng.normalTensor([nc, dy]), xt: xt, yt: rng.normalTensor([nt, dy])))
            default:
                let nc = rng.integer(in: 16...64), nt = rng.integer(in: 16...64)
                let xc = rng.uniformTensor([nc, dx], low: -3, high: 3), xt = rng.uniformTensor([nt, dx], low: -3, high: 3)
                tasks.append(SingleTask(xc: xc, yc: rng.normalTensor([nc, dy]), xt: xt, yt: rng.normalTensor([nt, dy])))
            }
        }
        return TaskBatch(padding: tasks)
    }

    /// The shift (per dimension) that moves `batch` out of the fixed-input domain of `model`.
    static func outOfDomainShift(_ spec: ModelSpec, _ model: NeuralProcess, _ batch: TaskBatch) -> [Float] {
        let dx = spec.dx
        // How far past the data a grid point or pseudo-location can reach: grid padding (up to 2^levels points
        // at the grid's spacing, plus the SetConv margin) or the largest pseudo-location offset.
        var reach: Float = 1
        if let grid = spec.gridCNN {
            let ppu = grid.pixelLattice?.pointsPerUnit.min() ?? grid.setConvPointsPerUnit!
            // The U-Net pads its grid to a multiple of 2^levels; the group CNN does not pool (2 levels' worth of reach).
            let levels: Int
            if case .unet(let sizes) = grid.backbone { levels = sizes.levels } else { levels = 2 }
            reach += Float(1 << levels + 2) / ppu
        }
        if let offsets = model.parameters.named.first(where: { $0.0 == "pseudo_locations" })?.1.value {
            reach += offsets.scalars.map(abs).max() ?? 0
        }
        // The domain box covers only the dimensions the fixed inputs see (all by default); the others need no shift.
        let seen = spec.fixedInputs?.seenDimensions ?? Array(0..<dx)
        return (0..<dx).map { d in
            guard let k = seen.firstIndex(of: d) else { return 0 }
            let lo = stride(from: d, to: batch.xc.count, by: dx).map { batch.xc.scalars[$0] }.min()!
            let loT = stride(from: d, to: batch.xt.count, by: dx).map { batch.xt.scalars[$0] }.min()!
            var s = (spec.fixedInputs?.domain.upper[k] ?? 0) - min(lo, loT) + reach
            // Whole pixels (gridded data), so that the shifted points stay on the lattice; whole grid steps (the
            // SetConv path), so that the grid moves with the data: the equivariant component's predictions stay
            // the same (exactly on the lattice, to float rounding off it).
            if let ppu = spec.pixelLattice?.pointsPerUnit[d] ?? spec.gridCNN?.setConvPointsPerUnit {
                s = (s * ppu).rounded(.up) / ppu
            }
            return s
        }
    }

    /// `batch` with every input moved by `shift` (on a pixel lattice: recomputed from the shifted pixels so that
    /// the positions are exactly the lattice's).
    static func shifted(_ batch: TaskBatch, by shift: [Float], lattice: PixelLattice?) -> TaskBatch {
        guard let lattice else { return batch.shifted(by: shift) }
        func move(_ x: Tensor) -> Tensor {
            let k = lattice.pixels(x), dx = lattice.dimension
            let steps = (0..<dx).map { Int((shift[$0] * lattice.pointsPerUnit[$0]).rounded()) }
            let moved = stride(from: 0, to: k.count, by: dx).flatMap { p in lattice.position((0..<dx).map { k[p + $0] + steps[$0] }) }
            return Tensor(shape: x.shape, scalars: moved)
        }
        return TaskBatch(xc: move(batch.xc), yc: batch.yc, xt: move(batch.xt), yt: batch.yt,
                         contextMask: batch.contextMask, targetMask: batch.targetMask)
    }
}

/// The fixed batch and our predictions that `Tools/peer/check.py` compares the PyTorch twin against.
/// Tensor names and shapes are documented in Docs/peer-files.md.
enum PeerBatch {
    static let formatVersion = "4"

    /// The batches: in distribution and out of it. 1-D runs: the run's own data generator, and contexts centred
    /// in [13, 27], where every fixed input is zeroed by the domain box. Other models: `SyntheticBatches`.
    static func batches(_ run: PeerModel, seed: UInt64, tasks: Int) -> [(name: String, batch: TaskBatch)] {
        if let config = run.gibbs {
            var ood = config.data
            ood.centreRange = GibbsGPConfig.outOfDistribution(kernel: config.data.kernel).centreRange
            return [("id", config.data, UInt64(0)), ("ood", ood, 1)].map { name, data, stream in
                var rng = RandomGenerator(seed: seed, stream: stream)
                return (name, GibbsGPSampler(data).sampleBatch(tasks: tasks, using: &rng).batch)
            }
        }
        var rng = RandomGenerator(seed: seed, stream: 0)
        let id = SyntheticBatches.batch(run.spec, tasks: tasks, rng: &rng)
        let shift = SyntheticBatches.outOfDomainShift(run.spec, run.model, id)
        return [("id", id), ("ood", SyntheticBatches.shifted(id, by: shift, lattice: run.spec.pixelLattice))]
    }

    /// Tensors for one model: per split the batch (xc, yc, xt, yt, and the masks of a padded batch) and, for
    /// fixed inputs on and forced off, predictive mean, standard deviation and the training loss (minus the mean
    /// log-likelihood over real targets); for the in-distribution batch with fixed inputs on, also the loss's
    /// gradient for every parameter.
    static func tensors(_ run: PeerModel, seed: UInt64, tasks: Int) -> [String: Tensor] {
        var out: [String: Tensor] = [:]
        for (split, batch) in batches(run, seed: seed, tasks: tasks) {
            out["\(split).xc"] = batch.xc
            out["\(split).yc"] = batch.yc
            out["\(split).xt"] = batch.xt
            out["\(split).yt"] = batch.yt
            if let mask = batch.contextMask { out["\(split).context_mask"] = mask }
            if let mask = batch.targetMask { out["\(split).target_mask"] = mask }
            for (label, sw) in [("on", FixedInputSwitch.on), ("off", .off)] {
                let tape = Tape()
                let p = run.model.predict(tape, batch, fixedInputs: sw)
                // The gradient's forward pass records the TE logit MLPs' ReLU patterns, at which the twin evaluates
                // its float64 gradient as well (`id.relu_pattern_on.<call>.<layer>`, call order; TE models only).
                let patterns = split == "id" && sw == .on ? PairwiseReLUPatterns() : nil
                tape.pairwiseReLUPatterns = patterns
                let loss = run.model.loss(tape, batch, fixedInputs: sw)
                tape.pairwiseReLUPatterns = nil
                for (c, call) in (patterns?.tensors ?? []).enumerated() {
                    for (l, pattern) in call.enumerated() { out["id.relu_pattern_on.\(c).\(l)"] = pattern }
                }
                out["\(split).mean_\(label)"] = p.mean.value
                out["\(split).std_\(label)"] = Tensor(shape: p.mean.shape, scalars: p.standardDeviation)
                out["\(split).loss_\(label)"] = Tensor(shape: [1], scalars: [loss.value.scalars[0]])
                if split == "id" && sw == .on {   // gradients of that loss, for the backward pass's check
                    tape.backward(from: loss)
                    for (name, p) in run.model.parameters.named { out["id.grad_on.\(name)"] = p.grad }
                    run.model.parameters.zeroGrad()
                }
            }
        }
        return out
    }

    static func metadata(_ run: PeerModel, seed: UInt64, tasks: Int) -> [String: String] {
        ["format": "peer-batch", "version": formatVersion, "run": run.name, "model": run.spec.kind.rawValue,
         "seed": String(seed), "tasks": String(tasks), "splits": "id,ood",
         "data": run.gibbs != nil ? "gibbs1d" : SyntheticBatches.kind(run.spec),
         "scale": run.spec.head.parameterisation.rawValue, "floor": String(run.spec.head.floor)]
    }

    /// Writes `<outputRoot>/<run name>/peer-batch.safetensors` and returns its URL.
    static func write(_ run: PeerModel, seed: UInt64, tasks: Int, outputRoot: URL) throws -> URL {
        let dir = outputRoot.appendingPathComponent(run.name)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent("peer-batch.safetensors")
        let data = try SafeTensors.encode(tensors(run, seed: seed, tasks: tasks), metadata: metadata(run, seed: seed, tasks: tasks))
        try writeAtomically(data, to: url)
        return url
    }
}

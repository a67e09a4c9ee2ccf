// peer-export: writes the fixed batch and our predictions that the PyTorch twin (Tools/peer) is checked against.
//
//   peer-export RUN_DIR... [--output DIR] [--seed N] [--tasks M]
//   peer-export --all SCALE_DIR [--output DIR] [--seed N] [--tasks M]
//   peer-export --spec SPEC.json --name NAME [--model-seed S] [--output DIR] [--seed N] [--tasks M]
//   peer-export --fresh ci|quick|paper [--model-seed S] [--output DIR] [--seed N] [--tasks M]
//
// RUN_DIR is a run's folder (config.json with the model's specification under "model", and
// checkpoint.safetensors), e.g. results/gibbs1d/quick/runs/convcnp-t-2aa7dfc5669c; SCALE_DIR holds run folders
// (results/gibbs1d/quick/runs) or a `runs/` folder with them (results/gibbs1d/quick). Each run gets
// <DIR>/<run name>/peer-batch.safetensors, DIR defaulting to outputs/peer (relative to the current directory).
// --spec builds a freshly initialised model of a ModelSpec JSON (seeded by --model-seed, default 0) and writes it
// as <DIR>/<NAME>/{config.json, checkpoint.safetensors} beside its batch, so the twin opens it like a run;
// --fresh does that for every 2-D convolutional kind (on-grid and SetConv paths) and every pseudo-token TNP (2-D
// and 4-D inputs) at the given sizes (FreshSpecs). 1-D runs get batches from their own task sampler, all other
// models padded batches of 2-D or 4-D inputs (SyntheticBatches). Names and shapes: Docs/peer-files.md.
import ExperimentKit
import NPModels
import Foundation

BLASKernelSelection.reexecIfNeeded()

let usage = "usage: peer-export RUN_DIR... | --all SCALE_DIR | --spec SPEC.json --name NAME | --fresh ci|quick|paper  [--model-seed S] [--output DIR] [--seed N] [--tasks M]"

struct Options {
    var runs: [URL] = []
    var output = URL(fileURLWithPath: "outputs/peer")
    var seed: UInt64 = 20_241_216
    var tasks = 16
    var specs: [(name: String?, file: URL)] = []
    var fresh: String?
    var modelSeed: UInt64 = 0
}

func isRun(_ url: URL) -> Bool {
    FileManager.default.fileExists(atPath: url.appendingPathComponent("config.json").path)
        && FileManager.default.fileExists(atPath: url.appendingPathComponent("checkpoint.safetensors").path)
}

/// Run folders under a scale folder (or its `runs/` subfolder), sorted by name.
func runsUnder(_ root: URL) throws -> [URL] {
    let runsDir = isRun(root) ? root : FileManager.default.fileExists(atPath: root.appendingPathComponent("runs").path)
        ? root.appendingPathComponent("runs") : root
    if isRun(runsDir) { return [runsDir] }
    let items = (try? FileManager.default.contentsOfDirectory(at: runsDir, includingPropertiesForKeys: nil)) ?? []
    let runs = items.filter(isRun).sorted { $0.lastPathComponent < $1.lastPathComponent }
    if runs.isEmpty { throw PeerExportError.noRuns(root.path) }
    return runs
}

func parse(_ args: [String]) throws -> Options {
    var o = Options()
    var i = 0
    func value() throws -> String {
        i += 1
        guard i < args.count else { throw PeerExportError.usage("\(args[i - 1]) needs a value\n\(usage)") }
        return args[i]
    }
    while i < args.count {
        switch args[i] {
        case "--all": o.runs += try runsUnder(URL(fileURLWithPath: try value()))
        case "--output": o.output = URL(fileURLWithPath: try value())
        case "--spec": o.specs.append((nil, URL(fileURLWithPath: try value())))
        case "--name":
            guard !o.specs.isEmpty else { throw PeerExportError.usage("--name follows a --spec\n\(usage)") }
            o.specs[o.specs.count - 1].name = try value()
        case "--fresh": o.fresh = try value()
        case "--model-seed":
            let v = try value()
            guard let s = UInt64(v) else { throw PeerExportError.usage("--model-seed takes a non-negative integer, got \(v)") }
            o.modelSeed = s
        case "--seed":
            let v = try value()
            guard let s = UInt64(v) else { throw PeerExportError.usage("--seed takes a non-negative integer, got \(v)") }
            o.seed = s
        case "--tasks":
            let v = try value()
            guard let m = Int(v), m >= 1 else { throw PeerExportError.usage("--tasks takes a positive integer, got \(v)") }
            o.tasks = m
        case "-h", "--help": print(usage); exit(0)
        case let a where a.hasPrefix("-"): throw PeerExportError.usage("unknown option \(a)\n\(usage)")
        case let a:
            let url = URL(fileURLWithPath: a)
            guard isRun(url) else { throw PeerExportError.missingFile(url.appendingPathComponent("config.json or checkpoint.safetensors").path) }
            o.runs.append(url)
        }
        i += 1
    }
    if o.runs.isEmpty && o.specs.isEmpty && o.fresh == nil { throw PeerExportError.usage(usage) }
    return o
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("peer-export: \(message)\n".utf8))
    exit(1)
}

let options: Options
do { options = try parse(Array(CommandLine.arguments.dropFirst())) } catch { fail("\(error)") }
var folders = options.runs
do {
    var fresh: [(String, ModelSpec)] = try options.fresh.map { try FreshSpecs.all(preset: $0) } ?? []
    for (name, file) in options.specs {
        let spec = try JSONDecoder().decode(ModelSpec.self, from: Data(contentsOf: file))
        fresh.append((name ?? file.deletingPathExtension().lastPathComponent, spec))
    }
    for (name, spec) in fresh {
        folders.append(try PeerModel.writeFresh(spec, seed: options.modelSeed, to: options.output.appendingPathComponent(name)).directory)
    }
} catch { fail("\(error)") }
for dir in folders {
    do {
        let run = try PeerModel(directory: dir)
        let url = try PeerBatch.write(run, seed: options.seed, tasks: options.tasks, outputRoot: options.output)
        print("\(run.name): \(url.path)")
    } catch {
        fail("\(dir.path): \(error)")
    }
}

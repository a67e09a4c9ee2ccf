import Foundation
import NPTensor

/// The sidecar written next to every figure and table: what made it, from what, where and when.
public struct Provenance: Codable, Sendable {
    public struct Machine: Codable, Sendable {
        public var os: String
        public var cpu: String
        public var cores: Int
        public var blas: String
        public var swift: String
    }
    public struct RunRef: Codable, Sendable {
        public var key: String
        public var model: String
        public var fixedInputs: Int?
        public var seed: UInt64
        public var steps: Int
        public var trainingSeconds: Double?
        /// The model code version the run was trained with (`ModelKind.codeVersion`).
        public var codeVersion: Int?
        public init(key: String, model: String, fixedInputs: Int?, seed: UInt64, steps: Int, trainingSeconds: Double?, codeVersion: Int? = nil) {
            self.key = key; self.model = model; self.fixedInputs = fixedInputs; self.seed = seed; self.steps = steps
            self.trainingSeconds = trainingSeconds; self.codeVersion = codeVersion
        }
    }
    public struct DataSource: Codable, Sendable {
        public var name: String
        public var version: String
        public var checksum: String?
        public var detail: String
        public init(name: String, version: String, checksum: String?, detail: String) {
            self.name = name; self.version = version; self.checksum = checksum; self.detail = detail
        }
    }

    public var output: String
    public var paperItem: String
    public var scale: String
    public var commit: String
    /// Whether the code (`codePaths`) differed from `commit` when the output was made.
    public var workingTreeDirty: Bool
    public var command: String
    public var created: String
    public var seconds: Double
    /// The experiment's configuration at this scale, encoded from its typed values.
    public var configuration: JSONValue
    public var runs: [RunRef]
    public var data: [DataSource]
    public var machine: Machine

    public init<C: Encodable>(output: String, paperItem: String, scale: String, seconds: Double, configuration: C,
                              runs: [RunRef], data: [DataSource]) throws {
        self.output = output; self.paperItem = paperItem; self.scale = scale; self.seconds = seconds
        self.configuration = try JSONValue(encoding: configuration); self.runs = runs; self.data = data
        let git = Provenance.gitState()
        commit = git.commit; workingTreeDirty = git.dirty
        // Quoted for sh where needed (ShellCommand), so the recorded command reruns as given; plain ones are unchanged.
        command = ShellCommand.line([URL(fileURLWithPath: CommandLine.arguments[0]).lastPathComponent] + CommandLine.arguments.dropFirst())
        created = ISO8601DateFormatter().string(from: Date())
        machine = Provenance.currentMachine()
    }

    /// The paths whose content decides what an output computes. Results, outputs, the report and the README are
    /// tracked too but are products: a rebuilt table, a regenerated README block or a checkpoint of a run still in
    /// training must not mark the next output as made from uncommitted code.
    public static let codePaths = ["Sources", "Experiments", "Tools", "Package.swift", "scripts", "reproduce.sh"]

    /// `git rev-parse HEAD` and whether the tracked code (`codePaths`) differs from it, in `directory` (default: the
    /// current directory).
    public static func gitState(in directory: URL? = nil) -> (commit: String, dirty: Bool) {
        func run(_ args: [String]) -> String? {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["git"] + args
            if let directory { p.currentDirectoryURL = directory }
            let pipe = Pipe()
            p.standardOutput = pipe
            p.standardError = FileHandle.nullDevice
            guard (try? p.run()) != nil else { return nil }
            let out = pipe.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            return p.terminationStatus == 0 ? String(decoding: out, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : nil
        }
        let commit = run(["rev-parse", "HEAD"]) ?? "unknown (not a git checkout)"
        let dirty = !(run(["status", "--porcelain", "--untracked-files=no", "--"] + codePaths) ?? "").isEmpty
        return (commit, dirty)
    }

    public static func currentMachine() -> Machine {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }?.split(separator: ":").last
            .map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown"
        let os = ProcessInfo.processInfo.operatingSystemVersionString
        #if swift(>=6.3)
        let swift = "6.3+"
        #else
        let swift = "6.x"
        #endif
        return Machine(os: os, cpu: model, cores: ProcessInfo.processInfo.activeProcessorCount,
                       blas: "OpenBLAS \(BLASRuntime.coreName), \(workerCount) worker thread(s)", swift: swift)
    }

    /// Writes `<output>.provenance.json` next to the output file.
    public func write(nextTo url: URL) throws {
        try writeJSON(self, to: url.deletingPathExtension().appendingPathExtension("provenance.json"))
    }
}

/// SHA-256-free content checksum (FNV-1a 64) of a file, for data provenance.
public func fileChecksum(_ url: URL) -> String? {
    guard let d = try? Data(contentsOf: url) else { return nil }
    return "fnv1a64:" + String(fnv1a(d), radix: 16)
}

import ExperimentKit
import Foundation
import SmokeSim

/// The paper's smoke-plume experiment (Sec. 5.2, App. E.2), as far as it is built: the simulated data set
/// (`SmokeSim`, `smoke2d generate`) and Figure 5. Table 1's smoke column and Figure 6 follow with the 2-D models
/// (issue 13); the experiment then declares their runs here.
public final class SmokeExperiment: PaperExperiment {
    public let experimentName = "smoke2d"
    public let plan: SmokeDatasetPlan
    public let outputRoot: URL
    public var quiet = false

    public init(scale: SmokeDataScale, outputRoot: URL) {
        plan = SmokeDatasetPlan(scale: scale)
        self.outputRoot = outputRoot
    }

    public var figuresDirectory: URL { outputRoot.appendingPathComponent("figures") }

    func say(_ s: String) { if !quiet { FileHandle.standardError.write(Data("[\(experimentName) \(plan.scale.name)] \(s)\n".utf8)) } }

    /// `url` relative to the current directory when inside it (for provenance records that do not name a machine).
    func relativePath(_ url: URL) -> String {
        let cwd = FileManager.default.currentDirectoryPath + "/"
        return url.path.hasPrefix(cwd) ? String(url.path.dropFirst(cwd.count)) : url.path
    }

    public var outputs: [PaperOutput] {
        [PaperOutput(target: "figure5", paperItem: "Figure 5", needs: "nothing (6 simulations, seconds)",
                     files: ["png", "pdf", "caption.txt", "provenance.json"].map { "figures/figure5-smoke.\($0)" })]
    }

    public func build(_ target: String) throws {
        _ = try output(target)
        try figure5()
    }

    /// No training runs yet (the models come with issue 13).
    public func runStatus() throws -> [(key: String, done: Bool, command: String)] { [] }
}

extension SmokeExperiment {
    public var reportTitle: String { "Smoke plumes (paper Sec. 5.2): the simulated data set" }

    public var reportNotes: [String] {
        [
            "The paper's PhiFlow simulations are not public; this package simulates them in Swift following PhiFlow's scheme (128 × 128 closed box, MacCormack smoke advection, semi-Lagrangian velocity advection, buoyancy, exact pressure projection around a fixed obstacle at (64, 100) of radius 10, 35 steps of dt 0.5, the tutorial's scaling). The simulator agrees with PhiFlow 3.4.0 to float32 rounding on five test cases (Docs/smoke-simulator.md).",
            "Data-set plan at scale '\(plan.scale.name)': seed \(plan.scale.seed). The models, Table 1's smoke column and Figure 6 are not built yet.",
        ]
    }
}

import ExperimentKit
import Foundation

extension SmokeExperiment: PaperExperiment {
    /// Every output of the smoke experiment, as `reproduce.sh` lists and builds them.
    public var outputs: [PaperOutput] {
        func table(_ target: String, _ names: [String], _ item: String, _ needs: String) -> PaperOutput {
            PaperOutput(target: target, paperItem: item, needs: needs,
                        files: names.flatMap { n in ["tex", "md", "json", "provenance.json"].map { "tables/\(n).\($0)" } })
        }
        func figure(_ target: String, _ name: String, _ item: String, _ needs: String) -> PaperOutput {
            PaperOutput(target: target, paperItem: item, needs: needs, files: ["png", "pdf", "caption.txt", "provenance.json"].map { "figures/\(name).\($0)" })
        }
        return [
            table("table1", ["table1-smoke", "table1"], "Table 1 (smoke column; joined)",
                  "8 trained models"),
            figure("figure5", "figure5-smoke", "Figure 5", "nothing (6 simulations, seconds)"),
            figure("figure6", "figure6-smoke", "Figure 6", "8 trained models"),
            figure("smoke-deviation", "smoke-deviation-map", "Smoke: equivariance-deviation map (beyond the paper)", "4 approximately equivariant models"),
            table("smoke-context", ["table-smoke-context"], "Smoke: context-set log-likelihood and Δequiv", "8 trained models"),
            table("smoke-regions", ["table-smoke-regions", "table-smoke-differences"], "Smoke: log-likelihood by region, paired differences", "8 trained models"),
            PaperOutput(target: "claims", paperItem: "Claims (smoke)", needs: "8 models + the seed replicates of the ConvCNP and EquivCNP pairs",
                        files: ["tex", "md", "json", "provenance.json", "verdicts.json"].map { "tables/claims-smoke2d.\($0)" }),
        ]
    }

    public func build(_ target: String) throws {
        _ = try output(target)
        switch target {
        case "table1": try table1()
        case "figure5": try figure5()
        case "figure6": try figure6()
        case "smoke-deviation": try deviationFigure()
        case "smoke-context": try contextTable()
        case "smoke-regions": try regionTables()
        case "claims": try claimsTable()
        default: throw ExperimentError.usage("unknown target \(target)")
        }
    }

    public func runStatus() throws -> [(key: String, done: Bool, command: String)] {
        try allRuns().map { c in
            let key = try store.key(c)
            let results = relativePath(store.root), data = relativePath(dataDirectory)
            let seed = c.seed == scale.seed ? "" : " --seed \(c.seed)"
            let command = ".build/release/smoke2d train --scale \(scale.name) --results \(results) --data \(data) --model \(c.model.kind.rawValue)\(seed) --quiet"
            return (key, store.isDone(key), command)
        }
    }
}

extension SmokeExperiment {
    public var reportTitle: String { "Smoke plumes (paper Sec. 5.2)" }

    public var reportNotes: [String] {
        [
            "The paper's PhiFlow simulations are not public; this package simulates them in Swift following PhiFlow's scheme (128 × 128 closed box, MacCormack smoke advection, semi-Lagrangian velocity advection, buoyancy, exact pressure projection around a fixed obstacle at (64, 100) of radius 10, 35 steps of dt 0.5, the tutorial's scaling). The simulator agrees with PhiFlow 3.4.0 to float32 rounding on five test cases (Docs/smoke-simulator.md).",
            "Tasks: 32 × 32 patches of final states (smoke / 21), N_c ~ U{10, 250} per batch, the other pixels targets; inputs are the standardised pixel coordinates of the whole frame (spec A7), so the fixed inputs can locate the obstacle and the inflows.",
            "Budget at scale '\(scale.name)': \(plan.scale.train)/\(plan.scale.validation)/\(plan.scale.test) simulations; \(scale.cnnSteps) steps of 16 tasks for the CNN models, \(scale.pseudoTokenSteps) for the PT-TNP, \(scale.translationEquivariantSteps) steps of 8 for the PT-TNP (T) and (T̃)\(scale.trainingTargets.map { ", each training task's loss on \($0) random targets" } ?? ""); seed 0 for the tables and figures, and \(scale.seedReplicates) seeds of the ConvCNP (T)/(T̃) and EquivCNP (E)/(Ẽ) pairs for the claims; \(scale.testTasks) test tasks (the paper: 80,000). Standard errors in the tables are over test tasks; the claims' across-seed column includes seed-to-seed variation.",
        ]
    }
}

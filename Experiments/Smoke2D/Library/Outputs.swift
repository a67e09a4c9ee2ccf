import ExperimentKit
import Foundation

extension SmokeExperiment {
    /// Every output of the smoke experiment, with its build step, in the order `all` builds them.
    public var outputDefinitions: [ExperimentOutput<SmokeExperiment>] {
        typealias Output = ExperimentOutput<SmokeExperiment>
        return [
            Output(.table("table1", names: ["table1-smoke", "table1"], item: "Table 1 (smoke column; joined)", needs: "8 trained models")) { _ = try $0.table1() },
            Output(.figure("figure5", name: "figure5-smoke", item: "Figure 5", needs: "nothing (6 simulations, seconds)")) { _ = try $0.figure5() },
            Output(.figure("figure6", name: "figure6-smoke", item: "Figure 6", needs: "8 trained models")) { _ = try $0.figure6() },
            Output(.figure("smoke-deviation", name: "smoke-deviation-map", item: "Smoke: equivariance-deviation map (beyond the paper)",
                           needs: "4 approximately equivariant models")) { _ = try $0.deviationFigure() },
            Output(.table("smoke-context", names: ["table-smoke-context"], item: "Smoke: context-set log-likelihood and Δequiv",
                          needs: "8 trained models")) { _ = try $0.contextTable() },
            Output(.table("smoke-regions", names: ["table-smoke-regions", "table-smoke-differences"],
                          item: "Smoke: log-likelihood by region, paired differences", needs: "8 trained models")) { _ = try $0.regionTables() },
            Output(.table("claims", names: ["claims-smoke2d"], item: "Claims (smoke)",
                          needs: "8 models + the seed replicates of the compared pairs", extra: ["verdicts.json"])) { _ = try $0.claimsTable() },
            Output(.table("diagnostics-init", names: ["diagnostics-init-smoke2d"], item: "Smoke: losses and gradients at initialisation (diagnostic)",
                          needs: "nothing trained (8 models × \(Self.initialisationSeeds.count) seeds at initialisation, one batch each)", extra: ["probes.json"])) {
                _ = try $0.initialisationDiagnostic()
            },
            Output(.table("diagnostics-bins", names: ["diagnostics-bins-smoke2d"], item: "Smoke: differences by context size and patch content (diagnostic)",
                          needs: "cached metrics of the 8 models and the seed replicates")) { _ = try $0.binDiagnostic() },
            Output(.table("diagnostics-floors", names: ["diagnostics-floors-smoke2d"], item: "Smoke: test log-likelihood under σ floors (diagnostic)",
                          needs: "the 8 trained models and the seed replicates (evaluated again)")) { _ = try $0.floorDiagnostic() },
        ]
    }

    public var reportTitle: String { "Smoke plumes (paper Sec. 5.2)" }
    public var shortTitle: String { "smoke" }

    public var budgetSummary: String {
        "CNNs \(stepsWithShare(scale.cnnSteps)), PT-TNPs \(groupedThousands(scale.pseudoTokenSteps)); \(scale.seedReplicates) seeds of \(scale.replicatesEveryModel ? "every model" : "the CNN pairs, one of the others")"
    }

    public var reportNotes: [String] {
        [
            "The paper's PhiFlow simulations are not public; this package simulates them in Swift following PhiFlow's scheme (128 × 128 closed box, MacCormack smoke advection, semi-Lagrangian velocity advection, buoyancy, exact pressure projection around a fixed obstacle at (64, 100) of radius 10, 35 steps of dt 0.5, the tutorial's scaling). The simulator agrees with PhiFlow 3.4.0 to float32 rounding on five test cases (Docs/smoke-simulator.md).",
            "Tasks: 32 × 32 patches of final states (smoke / 21), N_c ~ U{10, 250} per batch, the other pixels targets; inputs are the standardised pixel coordinates of the whole frame (Docs/paper-spec.md A7), so the fixed inputs can locate the obstacle and the inflows.",
            "Budget at scale '\(scale.name)': \(plan.scale.train)/\(plan.scale.validation)/\(plan.scale.test) simulations; \(scale.cnnSteps) steps of 16 tasks for the CNN models, \(scale.pseudoTokenSteps) for the PT-TNP, \(scale.translationEquivariantSteps) steps of 8 for the PT-TNP (T) and (T̃)\(scale.trainingTargets.map { ", each training task's loss on \($0) random targets" } ?? ""); seed 0 for the tables and figures, and \(scale.seedReplicates) seeds of \(scale.replicatedKinds.map(\.displayName).joined(separator: ", ")) for the claims; \(scale.testTasks) test tasks (the paper: 80,000). Standard errors in the tables are over test tasks; the claims' across-seed column includes seed-to-seed variation.",
            "Training: \(scale.optimisation.summary); models built with the calibrated initialisation (Docs/deviations.md).",
        ]
    }
}

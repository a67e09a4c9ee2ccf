import ExperimentKit
import Foundation

extension Gibbs1DExperiment {
    /// Every output of the 1-D experiment, with its build step, in the order `all` builds them.
    public var outputDefinitions: [ExperimentOutput<Gibbs1DExperiment>] {
        typealias Output = ExperimentOutput<Gibbs1DExperiment>
        func table(_ n: Int, _ name: String, _ item: String, _ needs: String, _ build: @escaping (Gibbs1DExperiment) throws -> URL) -> Output {
            Output(.table("table\(n)", names: [name], item: item, needs: needs)) { _ = try build($0) }
        }
        let figures = FigureTask.allCases.map { f in
            Output(.figure("figure\(f.rawValue)", name: "figure\(f.rawValue)-gibbs1d", item: "Figure \(f.rawValue)", needs: "8 trained models")) {
                _ = try $0.figure(f)
            }
        }
        return [
            table(1, "table1-gibbs1d", "Table 1 (1-D columns)", "8 models (ID and OOD metrics) + ground truth") { try $0.table1() },
            table(3, "table3-gibbs1d-context", "Table 3", "8 models (context-set metrics) + ground truth (both kernels)") { try $0.table3() },
            table(4, "table4-gibbs1d-deviation", "Table 4", "4 approximately equivariant models (deviation)") { try $0.table4() },
            table(5, "table5-gibbs1d-fixed-inputs", "Table 5",
                  "TNP (T~), ConvCNP (T~) at B = \(scale.ablationCounts.map(String.init).joined(separator: ","))") { try $0.table5() },
        ] + figures + [
            Output(PaperOutput(target: "ground-truth", paperItem: "Table 3 (ground-truth row)", needs: "nothing (exact GP predictor)",
                               files: [context.outputPath(groundTruthURL)])) { _ = try $0.groundTruth() },
            Output(.figure("deviation", name: "deviation-gibbs1d", item: "1-D: equivariance deviation by position (beyond the paper)",
                           needs: "4 approximately equivariant models")) { _ = try $0.deviationFigure() },
            Output(.table("differences", names: ["table-gibbs1d-differences"], item: "1-D: paired differences by region",
                          needs: "8 models + the best equivariant predictor (B rows: Table 5's runs, if trained)")) { _ = try $0.differencesTable() },
            Output(.table("claims", names: ["claims-gibbs1d"], item: "Claims (1-D)", needs: "cached results only (trains nothing)",
                          extra: ["verdicts.json"])) { _ = try $0.claimsTable() },
            Output(.table("diagnostics-init", names: ["diagnostics-init-gibbs1d"], item: "1-D: losses and gradients at initialisation (diagnostic)",
                          needs: "nothing trained (8 models × \(Self.initialisationSeeds.count) seeds at initialisation, one batch each)", extra: ["probes.json"])) {
                _ = try $0.initialisationDiagnostic()
            },
        ]
    }

    public var reportTitle: String { "Synthetic 1-D regression with a lengthscale change point (paper Sec. 5.1)" }
    public var shortTitle: String { "1-D GP" }

    public var budgetSummary: String {
        "CNNs and TNP \(stepsWithShare(scale.steps)), TE-TNPs \(groupedThousands(scale.teSteps)); \(scale.seedReplicates) seeds of the CNN pairs, one of the others"
    }

    public var reportNotes: [String] {
        [
            "Data: GP draws with the Gibbs kernel (\(kernel.rawValue)), lengthscales 0.1 and 4 switching at x = 0 with random orientation, noise standard deviation 0.2; contexts of 1–64 points on an interval of length 4 centred uniformly in [−7, 7] (in distribution) or [13, 27] (out of distribution), 128 targets on [c − 3, c + 3].",
            "Budget at scale '\(scale.name)': model preset \(scale.preset.name), \(scale.steps) training steps of 16 tasks for the CNN models and the TNP, \(scale.teSteps) for the TE-TNPs (the paper: 500,000), \(scale.testTasks) test tasks per split; the ConvCNP (T)/(T̃) and EquivCNP (E)/(Ẽ) pairs with \(scale.seedReplicates) training seeds, the other models with one. \(seedNote)",
            "Known deviations: fixed-input positions divided by 7 (the half-width of the training domain) for the CNN models; a variance floor of 10⁻⁶; gradients clipped by global norm at 0.5 (what the authors' code does; the paper says value clipping)\(scale.warmupFraction.map { String(format: "; learning rate warmed up over the first %.0f%% of the steps, then cosine-decayed to zero", 100 * $0) } ?? ""); per-task SetConv grids; dropout p = 0.1 (EquivCNP (Ẽ)) and 0.5 (RelaxedConvCNP (T̃)); weights shared between each layer's self- and cross-attention (Docs/paper-spec.md A2–A22, see the README).",
        ]
    }
}

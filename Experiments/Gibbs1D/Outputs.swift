import ExperimentKit
import Foundation

extension Gibbs1DExperiment: PaperExperiment {
    /// Every output of the 1-D experiment, as `reproduce.sh` lists and builds them.
    public var outputs: [PaperOutput] {
        func table(_ n: Int, _ name: String, _ item: String, _ needs: String) -> PaperOutput {
            PaperOutput(target: "table\(n)", paperItem: item, needs: needs,
                        files: ["tex", "md", "json", "provenance.json"].map { "tables/\(name).\($0)" })
        }
        func figure(_ f: FigureTask) -> PaperOutput {
            PaperOutput(target: "figure\(f.rawValue)", paperItem: "Figure \(f.rawValue)", needs: "8 trained models",
                        files: ["png", "pdf", "caption.txt", "provenance.json"].map { "figures/figure\(f.rawValue)-gibbs1d.\($0)" })
        }
        return [
            table(1, "table1-gibbs1d", "Table 1 (1-D columns)", "8 models (ID and OOD metrics) + ground truth"),
            table(3, "table3-gibbs1d-context", "Table 3", "8 models (context-set metrics) + ground truth (both kernels)"),
            table(4, "table4-gibbs1d-deviation", "Table 4", "4 approximately equivariant models (deviation)"),
            table(5, "table5-gibbs1d-fixed-inputs", "Table 5", "TNP (T~), ConvCNP (T~) at B = \(scale.ablationCounts.map(String.init).joined(separator: ","))"),
        ] + FigureTask.allCases.map(figure) + [
            PaperOutput(target: "ground-truth", paperItem: "Table 3 (ground-truth row)", needs: "nothing (exact GP predictor)",
                        files: [groundTruthURL.path.replacingOccurrences(of: outputRoot.path + "/", with: "")]),
            PaperOutput(target: "deviation", paperItem: "1-D: equivariance deviation by position (beyond the paper)", needs: "4 approximately equivariant models",
                        files: ["png", "pdf", "caption.txt", "provenance.json"].map { "figures/deviation-gibbs1d.\($0)" }),
            PaperOutput(target: "differences", paperItem: "1-D: paired differences by region", needs: "8 models + the best equivariant predictor (B rows: Table 5's runs, if trained)",
                        files: ["tex", "md", "json", "provenance.json"].map { "tables/table-gibbs1d-differences.\($0)" }),
            PaperOutput(target: "claims", paperItem: "Claims (1-D)", needs: "cached results only (trains nothing)",
                        files: ["tex", "md", "json", "provenance.json", "verdicts.json"].map { "tables/claims-gibbs1d.\($0)" }),
        ]
    }

    public func build(_ target: String) throws {
        _ = try output(target)
        switch target {
        case "table1": try table1()
        case "table3": try table3()
        case "table4": try table4()
        case "table5": try table5()
        case "ground-truth": _ = try groundTruth()
        case "claims": try claimsTable()
        case "deviation": try deviationFigure()
        case "differences": try differencesTable()
        default:
            guard target.hasPrefix("figure"), let n = Int(target.dropFirst(6)), let f = FigureTask(rawValue: n) else {
                throw ExperimentError.usage("unknown target \(target)")
            }
            try figure(f)
        }
    }

    /// A run is done when it is trained *and* evaluated; its command (`evaluate`, which trains first if needed) does
    /// both, so that `xargs -P` evaluates the runs in parallel processes too (the 4,096-task test sets make
    /// evaluation a sizeable part of the quick budget).
    public func runStatus() throws -> [(key: String, done: Bool, command: String)] {
        try allRuns().map { c in
            let key = try key(c)
            let b = (c.takesFixedInputCount ? " --fixed-inputs \(c.fixedInputCount)" : "") + (c.seed == scale.seed ? "" : " --seed \(c.seed)")
            let cwd = FileManager.default.currentDirectoryPath + "/"
            let results = store.root.path.hasPrefix(cwd) ? String(store.root.path.dropFirst(cwd.count)) : store.root.path
            let command = ".build/release/gibbs1d evaluate --scale \(scale.name) --kernel \(kernel.rawValue) --results \(results) --model \(c.model.kind.rawValue)\(b) --quiet > /dev/null"
            return (key, store.isDone(key) && existingMetrics(c) != nil, command)
        }
    }
}

extension Gibbs1DExperiment {
    public var reportTitle: String { "Synthetic 1-D regression with a lengthscale change point (paper Sec. 5.1)" }

    public var reportNotes: [String] {
        [
            "Data: GP draws with the Gibbs kernel (\(kernel.rawValue)), lengthscales 0.1 and 4 switching at x = 0 with random orientation, noise standard deviation 0.2; contexts of 1–64 points on an interval of length 4 centred uniformly in [−7, 7] (in distribution) or [13, 27] (out of distribution), 128 targets on [c − 3, c + 3].",
            "Budget at scale '\(scale.name)': model preset \(scale.preset.name), \(scale.steps) training steps of 16 tasks for the CNN models and the TNP, \(scale.teSteps) for the TE-TNPs (the paper: 500,000), \(scale.testTasks) test tasks per split; the ConvCNP (T)/(T̃) and EquivCNP (E)/(Ẽ) pairs with \(scale.seedReplicates) training seeds, the other models with one. \(seedNote)",
            "Known deviations: fixed-input positions divided by 7 (the half-width of the training domain) for the CNN models; a variance floor of 10⁻⁶; gradients clipped by global norm at 0.5 (what the authors' code does; the paper says value clipping)\(scale.warmupFraction.map { String(format: "; learning rate warmed up over the first %.0f%% of the steps, then cosine-decayed to zero", 100 * $0) } ?? ""); per-task SetConv grids; dropout p = 0.1 (EquivCNP (Ẽ)) and 0.5 (RelaxedConvCNP (T̃)); weights shared between each layer's self- and cross-attention (spec readings A2–A22, see the README).",
        ]
    }
}

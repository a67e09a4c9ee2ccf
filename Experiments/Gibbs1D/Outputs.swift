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
        default:
            guard target.hasPrefix("figure"), let n = Int(target.dropFirst(6)), let f = FigureTask(rawValue: n) else {
                throw ExperimentError.usage("unknown target \(target)")
            }
            try figure(f)
        }
    }

    public func runStatus() throws -> [(key: String, done: Bool, command: String)] {
        try allRuns().map { c in
            let key = try key(c)
            let b = c.takesFixedInputCount ? " --fixed-inputs \(c.fixedInputCount)" : ""
            let cwd = FileManager.default.currentDirectoryPath + "/"
            let results = store.root.path.hasPrefix(cwd) ? String(store.root.path.dropFirst(cwd.count)) : store.root.path
            let command = ".build/release/gibbs1d train --scale \(scale.name) --kernel \(kernel.rawValue) --results \(results) --model \(c.model.kind.rawValue)\(b) --quiet"
            return (key, store.isDone(key), command)
        }
    }
}

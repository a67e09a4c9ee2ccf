import ExperimentKit
import Foundation

extension EnvironmentExperiment: PaperExperiment {
    /// Every output of the environmental experiment, as `reproduce.sh` lists and builds them.
    public var outputs: [PaperOutput] {
        func table(_ target: String, _ name: String, _ item: String, _ needs: String, extra: [String] = []) -> PaperOutput {
            PaperOutput(target: target, paperItem: item, needs: needs,
                        files: (["tex", "md", "json", "provenance.json"] + extra).map { "tables/\(name).\($0)" })
        }
        func figure(_ target: String, _ name: String, _ item: String, _ needs: String, extra: [String] = []) -> PaperOutput {
            PaperOutput(target: target, paperItem: item, needs: needs,
                        files: (["png", "pdf", "caption.txt", "provenance.json"] + extra).map { "figures/\(name).\($0)" })
        }
        let b = scale.ablationCounts.map(String.init).joined(separator: ",")
        return [
            table("table2", "table2-environment", "Table 2", "8 2-D models, 3 4-D models (ID and OOD) + GP baseline"),
            table("table6", "table6-environment-dropout", "Table 6", "ConvCNP (T~) with p = 0 and p = 0.5"),
            table("table7", "table7-environment-context", "Table 7", "8 2-D models (context-set metrics) + GP baseline"),
            table("table8", "table8-environment-deviation", "Table 8", "4 approximately equivariant 2-D models (deviation, ID)"),
            table("table9", "table9-environment-fixed-inputs", "Table 9", "ConvCNP (T~) at B = \(b)"),
            figure("figure2", "figure2-environment", "Figure 2", "PT-TNP (T~) and EquivCNP (E~), one ID test month"),
            figure("deviation-map", "deviation-map-environment", "Deviation map (ours)", "4 approximately equivariant 2-D models, ID test months",
                   extra: ["json"]),
            table("differences", "differences-environment", "AE - E differences (ours)", "cached results only (trains nothing)",
                  extra: ["differences.json"]),
            table("claims", "claims-environment", "Claims (environmental)", "cached results only (trains nothing)", extra: ["verdicts.json"]),
        ]
    }

    public func build(_ target: String) throws {
        _ = try output(target)
        switch target {
        case "table2": try table2()
        case "table6": try table6()
        case "table7": try table7()
        case "table8": try table8()
        case "table9": try table9()
        case "figure2": try figure2()
        case "deviation-map": try deviationMap()
        case "differences": try differencesTable()
        case "claims": try claimsTable()
        default: throw ExperimentError.usage("unknown target \(target)")
        }
    }

    public func runStatus() throws -> [(key: String, done: Bool, command: String)] {
        try allRuns().map { c in
            let key = try key(c)
            var flags = " --model \(c.model.kind.rawValue) --dimension \(c.dimension)"
            if c.model.kind.takesFixedInputCount { flags += " --fixed-inputs \(c.fixedInputCount)" }
            if c.model.kind == .convCNPTApprox && c.model.dropoutConvCNP != 0.5 { flags += " --dropout \(c.model.dropoutConvCNP)" }
            let cwd = FileManager.default.currentDirectoryPath + "/"
            let results = store.root.path.hasPrefix(cwd) ? String(store.root.path.dropFirst(cwd.count)) : store.root.path
            return (key, store.isDone(key), ".build/release/environment train --scale \(scale.name) --results \(results)\(flags) --quiet")
        }
    }

    public var reportTitle: String { "Environmental regression on Colorado station temperatures (paper Sec. 5.3, ERA5 replaced)" }

    public var reportNotes: [String] {
        [
            "Data: ERA5 cannot be downloaded here; data.md replaces it with real monthly station temperatures for Colorado (COmonthlyMet from Debian's r-cran-fields), (Tmax + Tmin)/2. Training: the mountains west of lon −105.2, 1935–1980; in distribution (ID): the same stations 1981–1997; out of distribution (OOD): the plains east of −105.2, 1981–1997, with the fixed inputs forced to zero. 2-D tasks: one month of one region (lon, lat); 4-D tasks: four consecutive months (lon, lat, time, elevation); N_c drawn uniformly from max(1, floor(N/100)) to floor(N/3).",
            "Budget at scale '\(scale.name)': \(scale.cnnSteps) training steps of 16 tasks for the 2-D CNN models, \(scale.pseudoTokenSteps) for the 2-D PT-TNPs, \(scale.fourDSteps) for the 4-D PT-TNPs (the paper: 500,000); one seed per model. Standard errors are over test tasks; beside them the differences table gives month-clustered standard errors, which account for the several context splits of each test month.",
            "Known deviations: station data instead of gridded ERA5 (the CNN models reach a lon/lat grid through a 2-D SetConv); the fixed inputs are zeroed by region only, not by year; the 4-D fixed inputs see lon, lat and elevation, not time (data.md §5.6). The numbers are not comparable with the paper's Tables 2, 6–9; the claims are what is tested.",
        ]
    }
}

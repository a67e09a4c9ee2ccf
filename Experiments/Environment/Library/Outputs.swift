import ExperimentKit
import Foundation

extension EnvironmentExperiment {
    /// Every output of the environmental experiment, as `reproduce.sh` lists and builds them.
    /// Every output of the environmental experiment, with its build step, in the order `all` builds them.
    public var outputDefinitions: [ExperimentOutput<EnvironmentExperiment>] {
        typealias Output = ExperimentOutput<EnvironmentExperiment>
        func table(_ target: String, _ name: String, _ item: String, _ needs: String, extra: [String] = [],
                   _ build: @escaping (EnvironmentExperiment) throws -> URL) -> Output {
            Output(.table(target, names: [name], item: item, needs: needs, extra: extra)) { _ = try build($0) }
        }
        let b = scale.ablationCounts.map(String.init).joined(separator: ",")
        return [
            table("table2", "table2-environment", "Table 2", "8 2-D models, 3 4-D models (ID and OOD) + GP baseline") { try $0.table2() },
            table("table6", "table6-environment-dropout", "Table 6", "ConvCNP (T~) with p = 0 and p = 0.5") { try $0.table6() },
            table("table7", "table7-environment-context", "Table 7", "8 2-D models (context-set metrics) + GP baseline") { try $0.table7() },
            table("table8", "table8-environment-deviation", "Table 8", "4 approximately equivariant 2-D models (deviation, ID)") { try $0.table8() },
            table("table9", "table9-environment-fixed-inputs", "Table 9", "ConvCNP (T~) at B = \(b)") { try $0.table9() },
            Output(.figure("figure2", name: "figure2-environment", item: "Figure 2", needs: "PT-TNP (T~) and EquivCNP (E~), one ID test month")) {
                _ = try $0.figure2()
            },
            Output(.figure("deviation-map", name: "deviation-map-environment", item: "Deviation map (ours)",
                           needs: "4 approximately equivariant 2-D models, ID test months", extra: ["json"])) { _ = try $0.deviationMap() },
            table("differences", "differences-environment", "AE - E differences (ours)", "cached results only (trains nothing)",
                  extra: ["differences.json"]) { try $0.differencesTable() },
            table("claims", "claims-environment", "Claims (environmental)", "cached results only (trains nothing)",
                  extra: ["verdicts.json"]) { try $0.claimsTable() },
            Output(.table("diagnostics-init", names: ["diagnostics-init-environment"], item: "Environmental: losses and gradients at initialisation (diagnostic)",
                          needs: "nothing trained (11 models × \(Self.initialisationSeeds.count) seeds at initialisation, one batch each)", extra: ["probes.json"])) {
                _ = try $0.initialisationDiagnostic()
            },
            Output(.table("diagnostics-floors", names: ["diagnostics-floors-environment"], item: "Environmental: test log-likelihood under σ floors (diagnostic)",
                          needs: "the 11 trained models (evaluated again)")) { _ = try $0.floorDiagnostic() },
            Output(.table("diagnostics-shift", names: ["diagnostics-shift-environment"], item: "Environmental: the test months' new stations (diagnostic)",
                          needs: "the 8 trained 2-D models (evaluated again)")) { _ = try $0.shiftDiagnostic() },
        ]
    }

    public var budgetSummary: String {
        "CNNs \(stepsWithShare(scale.cnnSteps)), PT-TNPs \(groupedThousands(scale.pseudoTokenSteps)) (4-D \(groupedThousands(scale.fourDSteps))); \(scale.seedReplicates) seeds of \(scale.replicatedKinds == EnvironmentScale.allPairs ? "every compared pair" : "the CNN pairs"), one of the others"
    }

    public var reportTitle: String { "Environmental regression on Colorado station temperatures (paper Sec. 5.3, ERA5 replaced)" }
    public var shortTitle: String { "stations" }

    public var reportNotes: [String] {
        [
            "Data: ERA5 cannot be downloaded here; Docs/station-data.md replaces it with real monthly station temperatures for Colorado (COmonthlyMet from Debian's r-cran-fields), (Tmax + Tmin)/2. Training: the mountains west of lon −105.2, 1935–1980; in distribution (ID): the same stations 1981–1997; out of distribution (OOD): the plains east of −105.2, 1981–1997, with the fixed inputs forced to zero. 2-D tasks: one month of one region (lon, lat); 4-D tasks: four consecutive months (lon, lat, time in months from the window's centre, elevation); longitude scaled by cos(latitude) so distances are isotropic in km; N_c drawn uniformly from max(1, floor(N/100)) to floor(N/3).",
            "Budget at scale '\(scale.name)': \(scale.cnnSteps) training steps of 16 tasks for the 2-D CNN models, \(scale.pseudoTokenSteps) for the 2-D PT-TNPs, \(scale.fourDSteps) for the 4-D PT-TNPs (the paper: 500,000). \(seedNote) Standard errors are over test tasks; beside them the differences table gives month-clustered standard errors, which account for the several context splits of each test month.",
            "Training: \(scale.optimisation.summary); models built with the calibrated initialisation (Docs/deviations.md).",
            "Known deviations: station data instead of gridded ERA5 (the CNN models reach a lon/lat grid through a 2-D SetConv); the fixed inputs are zeroed by region only, not by year; the 4-D fixed inputs see lon, lat and elevation, not time (Docs/station-data.md §5.6). The numbers are not comparable with the paper's Tables 2, 6–9; the claims are what is tested.",
        ]
    }
}

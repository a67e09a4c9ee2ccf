// swift-tools-version:6.0
// The reproducibility companion of "Approximately Equivariant Neural Processes" (NeurIPS 2024).
// Dependencies point one way: NPTensor (CBLAS) <- NPAutodiff <- NPNN <- NPModels <- NPTraining <- ExperimentKit
// <- ExperimentCLI <- the experiments <- ExperimentRegistry <- np-report; NPPlot (CCairo), NPReport, NPData, SmokeSim
// and StationData are leaves the experiments use. See Docs/architecture.md.
import Foundation
import PackageDescription

/// Release builds drop bounds checks in the numeric targets (every kernel has a checked reference in the tests).
let fastMath: [SwiftSetting] = [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]
let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")

/// Every folder of Experiments/ is one experiment: `Library/` (its definition: runs, metrics, outputs, command-line
/// options), `Command/` (the executable named after the folder in lower case, e.g. `gibbs1d`) and `Tests/`. Adding
/// an experiment is a new folder and one line in Sources/ExperimentRegistry/Registry.swift (Docs/extending.md).
let experimentsDirectory = URL(fileURLWithPath: Context.packageDirectory).appendingPathComponent("Experiments")
let experiments = ((try? FileManager.default.contentsOfDirectory(atPath: experimentsDirectory.path)) ?? [])
    .filter { FileManager.default.fileExists(atPath: experimentsDirectory.appendingPathComponent("\($0)/Library").path) }
    .sorted()
/// What an experiment's definition may use: every library below the registry.
let experimentLibraries: [Target.Dependency] = ["AtomicFile", "ExperimentKit", "ExperimentCLI", "NPTraining", "NPData", "NPModels", "NPPlot",
                                                "NPReport", "NPNN", "NPAutodiff", "NPTensor", "SmokeSim", "StationData", "CBLAS", argumentParser]
let experimentTargets: [Target] = experiments.flatMap { name -> [Target] in
    let folder = "Experiments/\(name)"
    var targets: [Target] = [
        .target(name: name, dependencies: experimentLibraries, path: "\(folder)/Library", swiftSettings: fastMath),
        .executableTarget(name: "\(name)Command", dependencies: [.target(name: name), "ExperimentCLI", "ExperimentKit", "SmokeSim", argumentParser],
                          path: "\(folder)/Command", swiftSettings: fastMath),
    ]
    if FileManager.default.fileExists(atPath: experimentsDirectory.appendingPathComponent("\(name)/Tests").path) {
        targets.append(.testTarget(name: "\(name)Tests", dependencies: [.target(name: name), "NPTestSupport"] + experimentLibraries,
                                   path: "\(folder)/Tests"))
    }
    return targets
}

let package = Package(
    name: "AENP",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "NPNN", targets: ["NPNN"]),
        .library(name: "NPModels", targets: ["NPModels"]),
        .library(name: "NPPlot", targets: ["NPPlot"]),
        .library(name: "NPReport", targets: ["NPReport"]),
    ] + experiments.map { .executable(name: $0.lowercased(), targets: ["\($0)Command"]) },
    dependencies: [
        // Pinned to one version: Package.resolved is not committed (this machine type serves packages from local
        // copies whose commit ids differ from GitHub's, so a resolved file would not transfer), so the pin lives here.
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
    ],
    targets: [
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CCairo", pkgConfig: "cairo", providers: [.apt(["libcairo2-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "AtomicFile"),
        .target(name: "NPTensor", dependencies: ["CBLAS"], swiftSettings: fastMath),
        .target(name: "NPAutodiff", dependencies: ["NPTensor"], swiftSettings: fastMath),
        .target(name: "NPNN", dependencies: ["AtomicFile", "NPAutodiff", "NPTensor"], swiftSettings: fastMath),
        .target(name: "NPModels", dependencies: ["NPNN", "NPAutodiff", "NPTensor"], swiftSettings: fastMath),
        .target(name: "NPData", dependencies: ["NPTensor", "CBLAS"], swiftSettings: fastMath),
        .target(name: "NPTraining", dependencies: ["AtomicFile", "NPModels", "NPNN", "NPAutodiff", "NPTensor"], swiftSettings: fastMath),
        .target(name: "NPPlot", dependencies: ["AtomicFile", "CCairo"]),
        .target(name: "NPReport", dependencies: ["AtomicFile"]),
        .target(name: "StationData", dependencies: ["AtomicFile", "CZlib", "NPTensor"]),
        .target(name: "SmokeSim", dependencies: ["AtomicFile", "NPTensor", "CBLAS"], swiftSettings: fastMath),
        .target(name: "ExperimentKit", dependencies: ["AtomicFile", "NPTraining", "NPModels", "NPNN", "NPTensor", "NPReport", "CBLAS"]),
        .target(name: "ExperimentCLI", dependencies: ["ExperimentKit", "AtomicFile", "NPTensor", argumentParser]),
        .target(name: "ExperimentRegistry", dependencies: ["ExperimentCLI", "ExperimentKit"] + experiments.map { .target(name: $0) }),
        .executableTarget(name: "station-data", dependencies: ["StationData"], path: "Tools/station-data"),
        .executableTarget(name: "npbench", dependencies: ["ExperimentKit", "NPData", "NPModels", "NPNN", "NPTensor", "NPAutodiff", "SmokeSim"], path: "Tools/bench",
                          swiftSettings: fastMath),
        .executableTarget(name: "np-report", dependencies: ["ExperimentRegistry", "ExperimentCLI", "ExperimentKit", "NPReport", "AtomicFile", argumentParser],
                          path: "Tools/report"),
        .executableTarget(name: "peer-export", dependencies: ["AtomicFile", "Gibbs1D", "ExperimentKit", "NPData", "NPModels", "NPNN", "NPAutodiff", "NPTensor"],
                          path: "Tools/peer-export"),
        .executableTarget(name: "plot-gallery", dependencies: ["NPPlot", "NPReport"], path: "Tools/gallery"),
        .target(name: "NPTestSupport", dependencies: ["NPModels", "NPNN", "NPAutodiff", "NPTensor"], path: "Tests/NPTestSupport"),
        .testTarget(name: "NPTensorTests", dependencies: ["NPTensor", "NPTestSupport"]),
        .testTarget(name: "NPAutodiffTests", dependencies: ["NPAutodiff", "NPTensor", "NPTestSupport"]),
        .testTarget(name: "NPNNTests", dependencies: ["NPNN", "NPAutodiff", "NPTensor", "NPTestSupport"]),
        .testTarget(name: "NPModelsTests", dependencies: ["NPModels", "NPNN", "NPAutodiff", "NPTensor", "NPTestSupport"]),
        .testTarget(name: "NPDataTests", dependencies: ["NPData", "NPTensor"]),
        .testTarget(name: "NPTrainingTests", dependencies: ["NPTraining", "NPModels", "NPData", "NPNN", "NPTensor", "NPTestSupport"]),
        .testTarget(name: "NPPlotTests", dependencies: ["NPPlot", "CCairo"]),
        .testTarget(name: "NPReportTests", dependencies: ["NPReport"]),
        .testTarget(name: "StationDataTests", dependencies: ["StationData", "NPTensor"]),
        .testTarget(name: "SmokeSimTests", dependencies: ["SmokeSim"]),
        .testTarget(name: "AtomicFileTests", dependencies: ["AtomicFile", "NPTestSupport"]),
        .testTarget(name: "ExperimentKitTests", dependencies: ["ExperimentKit", "AtomicFile", "NPTraining", "NPNN", "NPModels", "NPData", "NPTensor", "NPTestSupport"]),
        .testTarget(name: "ExperimentHarnessTests", dependencies: ["ExperimentRegistry", "ExperimentCLI", "ExperimentKit", "NPTraining", "NPModels", "NPData",
                                                                   "NPReport", "NPTensor", "NPTestSupport", argumentParser]),
    ] + experimentTargets
)

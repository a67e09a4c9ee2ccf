// swift-tools-version:6.0
// The reproducibility companion of "Approximately Equivariant Neural Processes" (NeurIPS 2024).
// Dependencies point one way: executables -> NPNN -> NPAutodiff -> NPTensor -> CBLAS; NPPlot -> CCairo;
// NPReport uses Foundation only. See README.md, "Architecture".
import PackageDescription

/// Release builds drop bounds checks in the numeric targets (every kernel has a checked reference in the tests).
let fastMath: [SwiftSetting] = [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]

let package = Package(
    name: "AENP",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "NPNN", targets: ["NPNN"]),
        .library(name: "NPModels", targets: ["NPModels"]),
        .library(name: "NPPlot", targets: ["NPPlot"]),
        .library(name: "NPReport", targets: ["NPReport"]),
    ],
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
        .target(name: "StationData", dependencies: ["AtomicFile", "CZlib", "NPTensor"]),
        .executableTarget(name: "station-data", dependencies: ["StationData"], path: "Tools/station-data"),
        .target(name: "Gibbs1D", dependencies: ["AtomicFile", "ExperimentKit", "NPTraining", "NPData", "NPModels", "NPPlot", "NPReport", "NPNN", "NPTensor"],
                path: "Experiments/Gibbs1D"),
        .executableTarget(name: "gibbs1d", dependencies: ["Gibbs1D", "ExperimentKit", "ExperimentCLI", "NPData",
                          .product(name: "ArgumentParser", package: "swift-argument-parser")], path: "Experiments/gibbs1d-cli"),
        .target(name: "Environment", dependencies: ["AtomicFile", "ExperimentKit", "NPTraining", "NPData", "NPModels", "NPPlot", "NPReport", "NPNN",
                                                   "NPAutodiff", "NPTensor", "StationData"], path: "Experiments/Environment"),
        .executableTarget(name: "environment", dependencies: ["Environment", "ExperimentKit", "ExperimentCLI", "NPModels",
                          .product(name: "ArgumentParser", package: "swift-argument-parser")], path: "Experiments/environment-cli"),
        .target(name: "ExperimentKit", dependencies: ["AtomicFile", "NPTraining", "NPModels", "NPNN", "NPTensor", "NPReport", "CBLAS"]),
        .target(name: "ExperimentCLI", dependencies: ["ExperimentKit", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .target(name: "NPReport", dependencies: ["AtomicFile"]),
        .target(name: "SmokeSim", dependencies: ["AtomicFile", "NPTensor", "CBLAS"], swiftSettings: fastMath),
        .target(name: "Smoke2D", dependencies: ["AtomicFile", "SmokeSim", "ExperimentKit", "NPTraining", "NPModels", "NPAutodiff", "NPPlot", "NPReport", "NPTensor"],
                path: "Experiments/Smoke2D"),
        .executableTarget(name: "smoke2d", dependencies: ["Smoke2D", "SmokeSim", "ExperimentKit", "ExperimentCLI", "NPModels",
                          .product(name: "ArgumentParser", package: "swift-argument-parser")], path: "Experiments/smoke2d-cli",
                          swiftSettings: fastMath),
        .executableTarget(name: "npbench", dependencies: ["ExperimentKit", "NPData", "NPModels", "NPNN", "NPTensor", "NPAutodiff", "SmokeSim"], path: "Tools/bench",
                          swiftSettings: fastMath),
        .executableTarget(name: "np-report", dependencies: ["Gibbs1D", "Smoke2D", "Environment", "SmokeSim", "ExperimentKit", "NPReport", "AtomicFile",
                          .product(name: "ArgumentParser", package: "swift-argument-parser")], path: "Tools/report"),
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
        .testTarget(name: "ExperimentKitTests", dependencies: ["ExperimentKit", "NPData", "NPModels", "NPNN", "NPTraining", "NPTensor"]),
        .testTarget(name: "Gibbs1DTests", dependencies: ["Gibbs1D", "ExperimentKit", "NPData", "NPModels", "NPTraining", "NPReport", "NPTensor", "NPTestSupport"]),
        .testTarget(name: "NPPlotTests", dependencies: ["NPPlot", "CCairo"]),
        .testTarget(name: "NPReportTests", dependencies: ["NPReport"]),
        .testTarget(name: "StationDataTests", dependencies: ["StationData", "NPTensor"]),
        .testTarget(name: "EnvironmentTests", dependencies: ["Environment", "StationData", "ExperimentKit", "NPModels", "NPNN", "NPTraining", "NPTensor",
                                                             "NPTestSupport"]),
        .testTarget(name: "SmokeSimTests", dependencies: ["SmokeSim"]),
        .testTarget(name: "Smoke2DTests", dependencies: ["Smoke2D", "SmokeSim", "NPModels", "NPAutodiff", "NPTensor"]),
    ]
)

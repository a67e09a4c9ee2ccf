import ExperimentKit
import Foundation
import NPModels
import NPTraining

/// A diagnostic beside the smoke and environmental ones (beyond the paper): the 1-D models at initialisation, for
/// comparison with the 2-D models' starts. Nothing is trained. The 1-D models have no choice of initialisation
/// (their families always start with the Kaiming scheme, as the authors'), so the table has no second scheme.
extension Gibbs1DExperiment {
    /// Every model at initialisation over `initialisationSeeds`, on the first training batch of each seed.
    @discardableResult
    public func initialisationDiagnostic() throws -> [String: [InitialisationProbe]] {
        try writeInitialisationTable(
            groups: Self.groups.map { name, kinds in (name, kinds.map { ($0.displayName, runConfig($0)) }) },
            name: "diagnostics-init-gibbs1d", item: "1-D: losses and gradients at initialisation (diagnostic)",
            captionPrefix: "The 1-D experiment's models at initialisation (Gibbs-kernel GP training tasks with noise).",
            note: scaleNote)
    }
}

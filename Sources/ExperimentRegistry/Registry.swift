import Environment
import ExperimentCLI
import Gibbs1D
import Smoke2D

extension ExperimentRegistry {
    /// Every experiment of the reproduction, in the order `reproduce.sh` runs them. An experiment is a folder of
    /// `Experiments/` (see Docs/extending.md) and one line here.
    public static let paper = ExperimentRegistry([
        RegisteredExperiment(Gibbs1DExperiment.self),
        RegisteredExperiment(SmokeExperiment.self),
        RegisteredExperiment(EnvironmentExperiment.self),
    ])
}

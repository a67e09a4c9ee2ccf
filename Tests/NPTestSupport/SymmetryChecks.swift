import NPModels
import NPTensor

/// Symmetry checks written once for any input dimension and any group action (`InputTransform`).
///
/// A model f is equivariant under g when its predictive at the transformed targets given the transformed
/// context equals its predictive at the original targets: f(g·D)(g·x) = f(D)(x) (outputs are scalar fields,
/// so g acts on inputs only). Exact symmetries hold up to Float32 rounding of the transformed coordinates, so
/// "equal" means a relative difference below `SymmetryTolerance.exact`; "broken" means above
/// `SymmetryTolerance.broken` — a fixed-input contribution at initialisation is orders of magnitude larger.
public enum SymmetryTolerance {
    public static let exact: Float = 1e-4
    public static let broken: Float = 1e-3
}

/// The relative change of the predictive when every input of `batch` is mapped by `transform`.
public func equivarianceError(_ model: NeuralProcess, _ batch: TaskBatch, _ transform: InputTransform,
                              _ sw: FixedInputSwitch = .on) -> Float {
    relativeDifference(outputs(model, batch, sw), outputs(model, batch.transformed(by: transform), sw))
}

/// The largest relative change over every element of `group`.
public func worstEquivarianceError(_ model: NeuralProcess, _ batch: TaskBatch, over group: [InputTransform],
                                   _ sw: FixedInputSwitch = .on) -> (error: Float, transform: InputTransform) {
    group.map { (equivarianceError(model, batch, $0, sw), $0) }.max { $0.0 < $1.0 }!
}

/// The relative change of the predictive when the context points are reordered (a fixed shuffle).
public func permutationError(_ model: NeuralProcess, _ batch: TaskBatch, seed: UInt64 = 5) -> Float {
    var rng = RandomGenerator(seed: seed)
    var perm = Array(0..<batch.contextCount)
    for i in stride(from: perm.count - 1, to: 0, by: -1) { perm.swapAt(i, rng.integer(in: 0...i)) }
    return relativeDifference(outputs(model, batch), outputs(model, batch.permutingContext(perm)))
}

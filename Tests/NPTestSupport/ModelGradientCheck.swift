import NPAutodiff
import NPModels
import NPTensor

/// A model's parameter gradients against central differences of its loss, on `samplesPerParameter` random
/// elements of every parameter. Returns the mismatches ("name[i]: analytic a, numeric n") and the number checked.
///
/// Float32 through a deep network: eps = 1e-3 (rounding error ≈ 1e-7 · loss / eps ≈ 1e-4); tolerance
/// 2e-3 · (largest gradient) + 3e-2 · |gradient|. A perturbation can still cross a ReLU kink, which spoils that
/// one element, so callers allow a few per cent of mismatches; a real bug spoils whole parameters. Parameters are
/// jittered first (by ±`jitter`) so that zero-initialised biases do not put units exactly on a kink.
public func parameterGradientMismatches(_ model: NeuralProcess, _ batch: TaskBatch, fixedInputs sw: FixedInputSwitch = .on,
                                        samplesPerParameter: Int = 3, jitter: Float = 0.05, seed: UInt64 = 21) -> (mismatches: [String], checked: Int) {
    var jitterRNG = RandomGenerator(seed: seed + 2)
    for p in model.parameters.parameters {
        p.assign(Tensor(shape: p.shape, scalars: p.scalars.map { $0 + Float(jitterRNG.uniform(Double(-jitter), Double(jitter))) }))
    }
    model.parameters.zeroGrad()
    let tape = Tape()
    tape.backward(from: model.loss(tape, batch, fixedInputs: sw))
    func lossValue() -> Double { Double(model.loss(Tape(recording: false), batch, fixedInputs: sw).scalars[0]) }
    var rng = RandomGenerator(seed: seed)
    var failures: [String] = []
    var checked = 0
    let scale = max(1e-3, model.parameters.parameters.flatMap { $0.grad.scalars }.map { Double(abs($0)) }.max()!)
    for (name, p) in model.parameters.named {
        let g = p.grad.scalars
        for _ in 0..<samplesPerParameter {
            let i = rng.integer(in: 0...(p.value.count - 1))
            let original = p.value
            let eps: Float = 1e-3
            var v = original; v.scalars[i] += eps; p.assign(v)
            let up = lossValue()
            v = original; v.scalars[i] -= eps; p.assign(v)
            let down = lossValue()
            p.assign(original)
            let numeric = (up - down) / (2 * Double(eps)), analytic = Double(g[i])
            checked += 1
            if abs(numeric - analytic) > 2e-3 * scale + 3e-2 * max(abs(numeric), abs(analytic)) {
                failures.append("\(name)[\(i)]: analytic \(analytic), numeric \(numeric)")
            }
        }
    }
    return (failures, checked)
}

import Foundation
import NPAutodiff
import NPModels
import NPNN
import NPTensor

/// Random tasks: inputs uniform on `range`, outputs a random smooth function plus noise.
func randomBatch(tasks m: Int = 3, context nc: Int = 7, targets nt: Int = 9, range: ClosedRange<Float> = -3...3, seed: UInt64) -> TaskBatch {
    var rng = RandomGenerator(seed: seed)
    let xc = rng.uniformTensor([m, nc, 1], low: range.lowerBound, high: range.upperBound)
    let xt = rng.uniformTensor([m, nt, 1], low: range.lowerBound, high: range.upperBound)
    var yc = Tensor.zeros([m, nc, 1]), yt = Tensor.zeros([m, nt, 1])
    for b in 0..<m {
        let (a, p) = (Float(rng.uniform(0.5, 2)), Float(rng.uniform(0, 6.28)))
        for i in 0..<nc { yc.scalars[b * nc + i] = sin(a * xc.scalars[b * nc + i] + p) + 0.1 * Float(rng.normal()) }
        for i in 0..<nt { yt.scalars[b * nt + i] = sin(a * xt.scalars[b * nt + i] + p) + 0.1 * Float(rng.normal()) }
    }
    return TaskBatch(xc: xc, yc: yc, xt: xt, yt: yt)
}

/// Means and raw scales of a prediction, concatenated.
func outputs(_ model: NeuralProcess, _ b: TaskBatch, _ sw: FixedInputSwitch = .on) -> [Float] {
    let p = model.predict(Tape(recording: false), xc: b.xc, yc: b.yc, xt: b.xt, fixedInputs: sw)
    return p.mean.scalars + p.raw.scalars
}

/// Largest difference relative to the output scale.
func relativeDifference(_ a: [Float], _ b: [Float]) -> Float {
    let scale = max(a.map(abs).max() ?? 1, 1e-3)
    return zip(a, b).map { abs($0 - $1) }.max()! / scale
}

func makeModel(_ kind: ModelKind, seed: UInt64 = 1, fixedInputCount: Int? = nil) -> NeuralProcess {
    var rng = RandomGenerator(seed: seed)
    return ModelSpec.gibbs1D(kind, preset: .ci, fixedInputCount: fixedInputCount).build(rng: &rng)
}

import Foundation
import NPAutodiff
import NPModels
import NPTensor

/// Random tasks in `dx` input dimensions: inputs uniform on `range` along every axis, outputs a random smooth
/// function (a sine of a random projection of x) plus noise. With `contextCounts`/`targetCounts` (one per task)
/// the tasks have different sizes and the batch is padded with masks; otherwise every task has `context`
/// context and `targets` target points and the batch has no masks.
public func randomBatch(tasks m: Int = 3, context nc: Int = 7, targets nt: Int = 9, dimension dx: Int = 1,
                        range: ClosedRange<Float> = -3...3, contextCounts: [Int]? = nil, targetCounts: [Int]? = nil,
                        seed: UInt64) -> TaskBatch {
    var rng = RandomGenerator(seed: seed)
    let ncs = contextCounts ?? [Int](repeating: nc, count: m), nts = targetCounts ?? [Int](repeating: nt, count: m)
    precondition(ncs.count == m && nts.count == m, "one context and one target count per task")
    var tasks: [SingleTask] = []
    for b in 0..<m {
        let direction = (0..<dx).map { _ in Float(rng.uniform(0.5, 2)) * (rng.bernoulli(0.5) ? 1 : -1) }
        let phase = Float(rng.uniform(0, 6.28))
        func points(_ n: Int) -> (Tensor, Tensor) {
            let x = rng.uniformTensor([n, dx], low: range.lowerBound, high: range.upperBound)
            let y = (0..<n).map { i in
                sin(zip(direction, x.scalars[(i * dx)..<((i + 1) * dx)]).reduce(phase) { $0 + $1.0 * $1.1 }) + 0.1 * Float(rng.normal())
            }
            return (x, Tensor(shape: [n, 1], scalars: y))
        }
        let (xc, yc) = points(ncs[b]), (xt, yt) = points(nts[b])
        tasks.append(SingleTask(xc: xc, yc: yc, xt: xt, yt: yt))
    }
    return TaskBatch(padding: tasks)
}

/// Means and raw scales of a prediction at the real targets, concatenated (padded targets left out).
public func outputs(_ model: NeuralProcess, _ b: TaskBatch, _ sw: FixedInputSwitch = .on) -> [Float] {
    let p = model.predict(Tape(recording: false), b, fixedInputs: sw)
    let (nt, dy) = (b.targetCount, b.outputDimension)
    let real = (0..<(b.taskCount * nt)).filter { b.targetMask == nil || b.targetMask!.scalars[$0] != 0 }
    func pick(_ s: [Float]) -> [Float] { real.flatMap { s[($0 * dy)..<(($0 + 1) * dy)] } }
    return pick(p.mean.scalars) + pick(p.raw.scalars)
}

/// Largest difference relative to the output scale.
public func relativeDifference(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count, "compared outputs differ in length: \(a.count) vs \(b.count)")
    let scale = max(a.map(abs).max() ?? 1, 1e-3)
    return zip(a, b).map { abs($0 - $1) }.max()! / scale
}

/// A 1-D model of the paper at the ci preset.
public func makeModel(_ kind: ModelKind, seed: UInt64 = 1, fixedInputCount: Int? = nil) -> NeuralProcess {
    var rng = RandomGenerator(seed: seed)
    return ModelSpec.gibbs1D(kind, preset: .ci, fixedInputCount: fixedInputCount).build(rng: &rng)
}

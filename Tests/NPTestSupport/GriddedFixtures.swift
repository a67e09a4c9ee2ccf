import Foundation
import NPAutodiff
import NPModels
import NPTensor

/// Random gridded tasks (like smoke patches): task b is a `patch` × `patch` square of pixels at a random place
/// of a `frame` × `frame` pixel lattice (standardised coordinates, `PixelLattice.standardisedFrame`); its context
/// is `contextCounts[b]` random distinct pixels of the patch, its targets `targetCounts[b]` of the others. Values
/// are a smooth function of the pixel position plus noise. Unequal counts give a padded batch with masks.
public func griddedBatch(lattice: PixelLattice, frame: Int, patch: Int, contextCounts: [Int], targetCounts: [Int],
                         seed: UInt64) -> TaskBatch {
    precondition(contextCounts.count == targetCounts.count, "one context and one target count per task")
    var rng = RandomGenerator(seed: seed)
    var tasks: [SingleTask] = []
    for (nc, nt) in zip(contextCounts, targetCounts) {
        precondition(nc + nt <= patch * patch, "\(nc + nt) points do not fit in a \(patch)² patch")
        let origin = (rng.integer(in: 0...(frame - patch)), rng.integer(in: 0...(frame - patch)))
        var pixels = (0..<(patch * patch)).map { (origin.0 + $0 / patch, origin.1 + $0 % patch) }
        for i in stride(from: pixels.count - 1, to: 0, by: -1) { pixels.swapAt(i, rng.integer(in: 0...i)) }
        let phase = Float(rng.uniform(0, 6.28))
        func points(_ chosen: ArraySlice<(Int, Int)>) -> (Tensor, Tensor) {
            let x = chosen.flatMap { lattice.position([$0.0, $0.1]) }
            let y = chosen.map { sin(0.3 * Float($0.0) - 0.2 * Float($0.1) + phase) + 0.1 * Float(rng.normal()) }
            return (Tensor(shape: [chosen.count, 2], scalars: x), Tensor(shape: [chosen.count, 1], scalars: y))
        }
        let (xc, yc) = points(pixels[0..<nc]), (xt, yt) = points(pixels[nc..<(nc + nt)])
        tasks.append(SingleTask(xc: xc, yc: yc, xt: xt, yt: yt))
    }
    return TaskBatch(padding: tasks)
}

/// The translation by whole pixels (k₀, k₁) of a pixel lattice.
public func pixelShift(_ lattice: PixelLattice, _ k: [Int]) -> InputTransform {
    .translation(zip(k, lattice.pointsPerUnit).map { Float(Double($0) / Double($1)) })
}

/// Parameter gradients of `model`'s loss on `batch` against central differences, on `samples` random elements
/// of every parameter. Parameters are first jittered by ±0.05 so that no unit sits on a ReLU kink (zero biases
/// put units with zero input exactly there). Returns the mismatches and the number of elements checked.
public func parameterGradientMismatches(_ model: NeuralProcess, _ batch: TaskBatch, samples: Int = 3, seed: UInt64 = 21)
    -> (failures: [String], checked: Int) {
    var jitter = RandomGenerator(seed: seed + 2)
    for p in model.parameters.parameters {
        p.assign(Tensor(shape: p.shape, scalars: p.scalars.map { $0 + Float(jitter.uniform(-0.05, 0.05)) }))
    }
    let tape = Tape()
    tape.backward(from: model.loss(tape, batch, fixedInputs: .on))
    func lossValue() -> Double { Double(model.loss(Tape(recording: false), batch, fixedInputs: .on).scalars[0]) }
    var rng = RandomGenerator(seed: seed)
    var failures: [String] = [], checked = 0
    let scale = max(1e-3, model.parameters.parameters.flatMap { $0.grad.scalars }.map { Double(abs($0)) }.max()!)
    for (name, p) in model.parameters.named {
        let g = p.grad.scalars
        for _ in 0..<samples {
            let i = rng.integer(in: 0...(p.value.count - 1)), original = p.value, eps: Float = 1e-3
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

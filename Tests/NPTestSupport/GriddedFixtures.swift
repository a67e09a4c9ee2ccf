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

import NPAutodiff
import NPTensor

/// Gradient clipping, applied to the accumulated gradients before an optimiser step.
public enum GradientClipping: Codable, Sendable, Equatable {
    case none
    /// Clip each gradient element to [−c, c] (the paper: "gradient value magnitudes are clipped at 0.5").
    case value(Float)
    /// Rescale all gradients so their global L2 norm is at most c, as `torch.nn.utils.clip_grad_norm_`.
    case norm(Float)

    /// Clips in place and returns the global gradient norm before clipping.
    @discardableResult
    public func apply(to store: ParameterStore) -> Float {
        let withGradients = store.parameters.filter(\.hasGrad)
        let norm = Float(Self.sumOfSquares(withGradients).squareRoot())
        let work = withGradients.reduce(0) { $0 + $1.value.count }
        switch self {
        case .none: break
        case .value(let c):
            parallelFor(withGradients.count, work: work) { i in
                let p = withGradients[i]
                p.withGrad { g in for j in 0..<p.value.count { g[j] = min(max(g[j], -c), c) } }
            }
        case .norm(let c):
            let coef = c / (norm + 1e-6)
            if coef < 1 {
                parallelFor(withGradients.count, work: work) { i in
                    let p = withGradients[i]
                    p.withGrad { g in for j in 0..<p.value.count { g[j] *= coef } }
                }
            }
        }
        return norm
    }

    /// Elements per partial sum of `sumOfSquares`: a fixed split, so that the sum does not depend on the workers.
    static let sumBlock = 1 << 16

    /// Σ g² over every gradient element, in Double. Each parameter's gradient is cut into blocks of `sumBlock`
    /// elements; a block is summed eight lanes at a time (lane k takes the elements ≡ k mod 8, the tail by itself),
    /// the lanes then in order; the blocks' sums are added in parameter and block order. The split is fixed, so
    /// the result is the same at every worker count, and the blocks run in parallel. (Double keeps the order's
    /// effect near 10⁻¹⁶ of the sum: it reaches the Float norm only when the sum sits on a rounding boundary.)
    static func sumOfSquares(_ parameters: [Variable]) -> Double {
        var blocks: [(parameter: Int, start: Int, end: Int)] = []
        for (i, p) in parameters.enumerated() {
            let n = p.value.count
            for start in stride(from: 0, to: n, by: sumBlock) { blocks.append((i, start, min(start + sumBlock, n))) }
        }
        var partial = [Double](repeating: 0, count: blocks.count)
        partial.withUnsafeMutableBufferPointer { out in
            let sums = out.baseAddress!
            parallelFor(blocks.count, work: 4 * blocks.count * sumBlock) { b in
                let block = blocks[b]
                // A read of the gradient array, not `withGrad`: blocks of one parameter are read at the same time.
                sums[b] = parameters[block.parameter].gradStorage.withUnsafeBufferPointer { g in
                    blockSumOfSquares(g.baseAddress! + block.start, count: block.end - block.start)
                }
            }
        }
        return partial.reduce(0, +)
    }

    static func blockSumOfSquares(_ g: UnsafePointer<Float>, count n: Int) -> Double {
        typealias Lanes = SIMD8<Double>
        var lanes = Lanes(repeating: 0)
        let whole = n - n % Lanes.scalarCount
        for j in stride(from: 0, to: whole, by: Lanes.scalarCount) {
            let x = Lanes(UnsafeRawPointer(g + j).loadUnaligned(as: SIMD8<Float>.self))
            lanes += x * x
        }
        var total = 0.0
        for k in 0..<Lanes.scalarCount { total += lanes[k] }
        for j in whole..<n { total += Double(g[j]) * Double(g[j]) }
        return total
    }
}

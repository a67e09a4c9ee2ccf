import NPAutodiff
import NPTensor
import Testing

/// Outcome of comparing an analytic gradient with central differences.
public struct GradientCheckReport: CustomStringConvertible {
    public var worst: Double = 0
    public var worstInput = 0
    public var worstIndex = 0
    public var analytic: Double = 0
    public var numeric: Double = 0
    public var checked = 0
    public var description: String {
        "worst scaled error \(worst) at input \(worstInput)[\(worstIndex)]: analytic \(analytic), numeric \(numeric) (\(checked) elements)"
    }
}

/// Checks the tape's gradients of `build` against central finite differences.
///
/// The scalar checked is L = Σ wᵢ · outᵢ with fixed random weights w (so every output element and every
/// path through the op matters, and a wrong transpose or a missing term changes L's gradient at O(1)).
/// L is accumulated in Double; the op itself runs in Float32, so the step `eps` is 1e-2 by default:
/// truncation error O(eps²) ≈ 1e-4 relative, rounding error ≈ 1e-7·|L|/eps. Hence the mixed tolerance
/// |analytic − numeric| ≤ atol + rtol · max(|analytic|, |numeric|) with rtol = 1e-2, atol = 1e-3 ·
/// (typical gradient size): loose enough for Float32 noise, orders of magnitude tighter than any real bug.
/// Inputs in `skip` are not differentiated (for integer-like data such as indices).
public func checkGradient(_ inputs: [Tensor], skip: Set<Int> = [], eps: Float = 1e-2, rtol: Double = 1e-2,
                          atol: Double = 1e-3, seed: UInt64 = 7, maxElements: Int = 400,
                          convolutions: ConvolutionAlgorithms = .process,
                          _ build: (Tape, [Variable]) -> Variable) -> GradientCheckReport {
    var rng = RandomGenerator(seed: seed)
    // Analytic.
    let tape = Tape(convolutions: convolutions)
    let vars = inputs.enumerated().map { Variable($0.element, requiresGrad: !skip.contains($0.offset)) }
    let out = build(tape, vars)
    let w = rng.uniformTensor(out.shape, low: -1, high: 1)
    let loss = tape.sumAll(tape.mul(out, tape.constant(w)))
    tape.backward(from: loss)
    func objective(_ xs: [Tensor]) -> Double {
        let t = Tape(recording: false, convolutions: convolutions)
        let o = build(t, xs.map { Variable($0) })
        var s = 0.0
        for (a, b) in zip(o.value.scalars, w.scalars) { s += Double(a) * Double(b) }
        return s
    }
    // Typical gradient magnitude, for the absolute part of the tolerance.
    let allGrads = vars.enumerated().filter { !skip.contains($0.offset) }.flatMap { $0.element.grad.scalars }
    let scale = max(1e-3, allGrads.map { Double(abs($0)) }.max() ?? 0)
    var report = GradientCheckReport()
    for (k, x) in inputs.enumerated() where !skip.contains(k) {
        let indices = x.count <= maxElements ? Array(0..<x.count) : (0..<maxElements).map { _ in rng.integer(in: 0...(x.count - 1)) }
        let g = vars[k].grad.scalars
        for i in indices {
            var plus = inputs, minus = inputs
            plus[k].scalars[i] += eps
            minus[k].scalars[i] -= eps
            let numeric = (objective(plus) - objective(minus)) / (2 * Double(eps))
            let analytic = Double(g[i])
            let err = abs(analytic - numeric) / (atol * scale + rtol * max(abs(analytic), abs(numeric)))
            report.checked += 1
            if err > report.worst {
                report.worst = err; report.worstInput = k; report.worstIndex = i
                report.analytic = analytic; report.numeric = numeric
            }
        }
    }
    return report
}

/// Expects the gradient check to pass (scaled error ≤ 1), reporting the worst element otherwise.
public func expectGradientsMatch(_ inputs: [Tensor], skip: Set<Int> = [], eps: Float = 1e-2,
                                 convolutions: ConvolutionAlgorithms = .process,
                                 sourceLocation: SourceLocation = #_sourceLocation,
                                 _ build: (Tape, [Variable]) -> Variable) {
    let report = checkGradient(inputs, skip: skip, eps: eps, convolutions: convolutions, build)
    #expect(report.worst <= 1, "\(report)", sourceLocation: sourceLocation)
    #expect(report.checked > 0, "no elements were checked", sourceLocation: sourceLocation)
}

/// Largest absolute elementwise difference.
public func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count, "compared arrays differ in length: \(a.count) vs \(b.count)")
    return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
}

/// Random tensor with entries in [-1, 1], from a fixed seed.
public func randomTensor(_ shape: [Int], seed: UInt64, low: Float = -1, high: Float = 1) -> Tensor {
    var rng = RandomGenerator(seed: seed)
    return rng.uniformTensor(shape, low: low, high: high)
}

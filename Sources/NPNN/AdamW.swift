import Foundation
import NPAutodiff
import NPTensor

/// AdamW with PyTorch's semantics (`torch.optim.AdamW`, default `amsgrad=False`):
///
///     p ← p − lr·λ·p                       (decoupled weight decay, applied first)
///     m ← β₁m + (1 − β₁)g,  v ← β₂v + (1 − β₂)g²
///     p ← p − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
///
/// Defaults are PyTorch's: β = (0.9, 0.999), ε = 1e-8, λ = 0.01.
public final class AdamW {
    public struct Hyperparameters: Codable, Sendable, Equatable {
        public var learningRate: Float
        public var beta1: Float = 0.9
        public var beta2: Float = 0.999
        public var eps: Float = 1e-8
        public var weightDecay: Float = 0.01
        public init(learningRate: Float, beta1: Float = 0.9, beta2: Float = 0.999, eps: Float = 1e-8, weightDecay: Float = 0.01) {
            self.learningRate = learningRate; self.beta1 = beta1; self.beta2 = beta2; self.eps = eps; self.weightDecay = weightDecay
        }
    }

    public var hyper: Hyperparameters
    public private(set) var step: Int = 0
    let store: ParameterStore
    var m: [[Float]]
    var v: [[Float]]

    public init(_ store: ParameterStore, _ hyper: Hyperparameters) {
        self.store = store
        self.hyper = hyper
        m = store.parameters.map { [Float](repeating: 0, count: $0.value.count) }
        v = m
    }

    /// Applies one update from the parameters' accumulated gradients (a parameter without a gradient
    /// counts as gradient zero, as PyTorch skips only parameters whose `.grad` is None; here every
    /// parameter takes part in every step), then zeroes the gradients.
    public func update() {
        step += 1
        let (lr, b1, b2, eps, wd) = (hyper.learningRate, hyper.beta1, hyper.beta2, hyper.eps, hyper.weightDecay)
        let bc1 = 1 - Float(Foundation.pow(Double(b1), Double(step)))
        let bc2Sqrt = Float((1 - Foundation.pow(Double(b2), Double(step))).squareRoot())
        let stepSize = lr / bc1
        let parameters = store.parameters
        let total = parameters.reduce(0) { $0 + $1.value.count }
        let constants = AdamWElementConstants(decay: 1 - lr * wd, beta1: b1, beta2: b2, stepSize: stepSize, bias2Sqrt: bc2Sqrt, eps: eps)
        // Parameters are independent (each with its own moments): spread over the workers, the same arithmetic.
        m.withUnsafeMutableBufferPointer { ms in v.withUnsafeMutableBufferPointer { vs in
            guard let moments1 = ms.baseAddress, let moments2 = vs.baseAddress else { return }
            parallelFor(parameters.count, work: 10 * total) { i in
                let p = parameters[i], n = p.value.count
                moments1[i].withUnsafeMutableBufferPointer { pm in moments2[i].withUnsafeMutableBufferPointer { pv in
                    p.withMutableScalars { w in
                        // The gradient is read and zeroed in the same pass (one sweep over it, not two).
                        if p.hasGrad {
                            p.withGrad { g in adamWUpdate(w.baseAddress!, pm.baseAddress!, pv.baseAddress!, gradient: g, count: n, constants) }
                        } else {
                            adamWUpdate(w.baseAddress!, pm.baseAddress!, pv.baseAddress!, gradient: nil, count: n, constants)
                        }
                    }
                }}
            }
        }}
    }

    /// The optimiser state as named tensors (`adamw.m.<param>`, `adamw.v.<param>`) for checkpoints.
    public func stateTensors() -> [String: Tensor] {
        var out: [String: Tensor] = [:]
        for (i, (name, p)) in store.named.enumerated() {
            out["adamw.m.\(name)"] = Tensor(shape: p.shape, scalars: m[i])
            out["adamw.v.\(name)"] = Tensor(shape: p.shape, scalars: v[i])
        }
        return out
    }

    /// Restores state saved by `stateTensors()` and the step count.
    public func loadState(_ tensors: [String: Tensor], step: Int) throws {
        for (i, (name, p)) in store.named.enumerated() {
            guard let tm = tensors["adamw.m.\(name)"], let tv = tensors["adamw.v.\(name)"] else {
                throw CheckpointError.mismatch("optimiser state for \(name) is missing")
            }
            guard tm.shape == p.shape && tv.shape == p.shape else {
                throw CheckpointError.mismatch("optimiser state for \(name) has shape \(tm.shape), parameter \(p.shape)")
            }
            m[i] = tm.scalars; v[i] = tv.scalars
        }
        self.step = step
    }
}

/// The per-step scalars of the AdamW element update.
struct AdamWElementConstants {
    var decay, beta1, beta2, stepSize, bias2Sqrt, eps: Float
}

/// The AdamW update of `count` elements (weights `w`, moments `m`, `v`), reading and zeroing `gradient` (nil: a
/// gradient of zero, left unallocated). Sixteen lanes at a time with the scalar update's operations in the scalar
/// update's order (IEEE multiply, add, square root and divide per lane), so the result is the same to the bit; the
/// last count % 16 elements go through a zero-filled block of 16.
func adamWUpdate(_ w: UnsafeMutablePointer<Float>, _ m: UnsafeMutablePointer<Float>, _ v: UnsafeMutablePointer<Float>,
                 gradient: UnsafeMutablePointer<Float>?, count n: Int, _ c: AdamWElementConstants) {
    typealias Lanes = SIMD16<Float>
    @inline(__always) func load(_ p: UnsafeMutablePointer<Float>) -> Lanes { UnsafeRawPointer(p).loadUnaligned(as: Lanes.self) }
    @inline(__always) func store(_ x: Lanes, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: x, as: Lanes.self) }
    @inline(__always) func block(_ w: UnsafeMutablePointer<Float>, _ m: UnsafeMutablePointer<Float>, _ v: UnsafeMutablePointer<Float>,
                                 _ g: UnsafeMutablePointer<Float>?) {
        let gj = g.map(load) ?? Lanes(repeating: 0)
        var wj = load(w) * c.decay
        let mj = c.beta1 * load(m) + (1 - c.beta1) * gj
        let vj = c.beta2 * load(v) + (1 - c.beta2) * gj * gj
        wj -= c.stepSize * mj / (vj.squareRoot() / c.bias2Sqrt + c.eps)
        store(wj, w); store(mj, m); store(vj, v)
        if let g { store(Lanes(repeating: 0), g) }
    }
    let whole = n - n % Lanes.scalarCount
    for j in stride(from: 0, to: whole, by: Lanes.scalarCount) { block(w + j, m + j, v + j, gradient.map { $0 + j }) }
    let rest = n - whole
    guard rest > 0 else { return }
    withUnsafeTemporaryAllocation(of: Float.self, capacity: 4 * Lanes.scalarCount) { t in
        let lanes = Lanes.scalarCount
        let (tw, tm, tv, tg) = (t.baseAddress!, t.baseAddress! + lanes, t.baseAddress! + 2 * lanes, t.baseAddress! + 3 * lanes)
        t.initialize(repeating: 0)
        tw.update(from: w + whole, count: rest); tm.update(from: m + whole, count: rest); tv.update(from: v + whole, count: rest)
        if let g = gradient { tg.update(from: g + whole, count: rest) }
        block(tw, tm, tv, gradient == nil ? nil : tg)
        (w + whole).update(from: tw, count: rest); (m + whole).update(from: tm, count: rest); (v + whole).update(from: tv, count: rest)
        if let g = gradient { (g + whole).update(repeating: 0, count: rest) }
    }
}

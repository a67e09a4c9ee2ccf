import Foundation
import NPTensor

// Unary elementwise operations. Each pullback adds g · f'(x) into the input's gradient.

extension Tape {
    /// Applies `f` elementwise; `df(x, y)` is the derivative at input x with output y. The forward pass stays on one
    /// thread, where `f` is inlined into the loop (split over the workers it became a call per element, measured
    /// slower); the backward pass, a call of the escaping `df` per element either way, splits large tensors over the
    /// workers (elements are independent: the same operations per element).
    @inline(__always)
    func unary(_ x: Variable, _ f: (Float) -> Float, _ df: @escaping (Float, Float) -> Float) -> Variable {
        let xs = x.value.scalars
        var ys = [Float](unsafeUninitializedCapacity: xs.count) { _, c in c = xs.count }
        xs.withUnsafeBufferPointer { px in ys.withUnsafeMutableBufferPointer { py in
            for i in 0..<px.count { py[i] = f(px[i]) }
        }}
        return result(Tensor(shape: x.shape, scalars: ys), inputs: [x]) { out in
            x.withGrad { gx in
                out.gradStorage.withUnsafeBufferPointer { g in out.value.scalars.withUnsafeBufferPointer { py in
                    x.value.scalars.withUnsafeBufferPointer { px in
                        guard let G = g.baseAddress, let Y = py.baseAddress, let X = px.baseAddress else { return }
                        parallelChunks(px.count, work: 8 * px.count) { range in for i in range { gx[i] += G[i] * df(X[i], Y[i]) } }
                    }
                }}
            }
        }
    }

    /// max(x, 0). The derivative at 0 is taken as 0, as in PyTorch.
    ///
    /// The same arithmetic as `unary` with these two maps, written out (no closure per element) and split over the
    /// workers for large tensors: the CNNs apply it to every activation.
    public func relu(_ x: Variable) -> Variable {
        let xs = x.value.scalars
        var ys = [Float](unsafeUninitializedCapacity: xs.count) { _, c in c = xs.count }
        xs.withUnsafeBufferPointer { px in ys.withUnsafeMutableBufferPointer { py in
            guard let X = px.baseAddress, let Y = py.baseAddress else { return }
            parallelChunks(px.count, work: px.count) { range in for i in range { Y[i] = X[i] > 0 ? X[i] : 0 } }
        }}
        return result(Tensor(shape: x.shape, scalars: ys), inputs: [x]) { out in
            x.withGradToOverwriteOrAdd { gx, new in
                out.gradStorage.withUnsafeBufferPointer { g in x.value.scalars.withUnsafeBufferPointer { px in
                    guard let G = g.baseAddress, let X = px.baseAddress else { return }
                    parallelChunks(px.count, work: px.count) { range in
                        if new {
                            for i in range { gx[i] = 0 + G[i] * (X[i] > 0 ? 1 : 0) }
                        } else {
                            for i in range { gx[i] += G[i] * (X[i] > 0 ? 1 : 0) }
                        }
                    }
                }}
            }
        }
    }

    /// log(1 + exp(x)), computed without overflow; derivative sigmoid(x).
    public func softplus(_ x: Variable) -> Variable {
        unary(x, softplusScalar, { xv, _ in 1 / (1 + Foundation.exp(-xv)) })
    }

    public func exp(_ x: Variable) -> Variable { unary(x, { Foundation.exp($0) }, { _, y in y }) }
    public func log(_ x: Variable) -> Variable { unary(x, { Foundation.log($0) }, { xv, _ in 1 / xv }) }
    public func sqrt(_ x: Variable) -> Variable { unary(x, { $0.squareRoot() }, { _, y in 0.5 / y }) }
    public func square(_ x: Variable) -> Variable { unary(x, { $0 * $0 }, { xv, _ in 2 * xv }) }
    public func sin(_ x: Variable) -> Variable { unary(x, { Foundation.sin($0) }, { xv, _ in Foundation.cos(xv) }) }
    public func cos(_ x: Variable) -> Variable { unary(x, { Foundation.cos($0) }, { xv, _ in -Foundation.sin(xv) }) }
    public func negate(_ x: Variable) -> Variable { unary(x, { -$0 }, { _, _ in -1 }) }

    /// a · x + b with constants a and b.
    ///
    /// The same arithmetic as `unary(x, { a * $0 + b }, { _, _ in a })`, written out: its backward pass (g · a per
    /// element) runs without a closure call per element, so it vectorises.
    public func affine(_ x: Variable, scale a: Float, shift b: Float = 0) -> Variable {
        let xs = x.value.scalars
        var ys = [Float](unsafeUninitializedCapacity: xs.count) { _, c in c = xs.count }
        xs.withUnsafeBufferPointer { px in ys.withUnsafeMutableBufferPointer { py in
            for i in 0..<px.count { py[i] = a * px[i] + b }
        }}
        return result(Tensor(shape: x.shape, scalars: ys), inputs: [x]) { out in
            x.withGradToOverwriteOrAdd { gx, new in
                out.gradStorage.withUnsafeBufferPointer { g in
                    guard let G = g.baseAddress else { return }
                    parallelChunks(g.count, work: g.count) { range in
                        if new { for i in range { gx[i] = 0 + G[i] * a } } else { for i in range { gx[i] += G[i] * a } }
                    }
                }
            }
        }
    }

    /// h ⊙ (1 + t), as the relaxed convolutions scale their input, for h and t of one shape.
    ///
    /// Bit for bit `add(h, mul(h, t))`, values and gradients, written out as one op: each element is h + (h·t) with
    /// the same two roundings, and the backward pass forms the gradients as those two ops' pullbacks do in turn (the
    /// sum's first: ∂h gets g, then the product's: ∂h gets (0 + g)·t and ∂t (0 + g)·h). It makes one pass over the
    /// tensors where the composition made two, without the intermediate product.
    public func scaledByOnePlus(_ h: Variable, _ t: Variable) -> Variable {
        require(h.shape == t.shape, "scaledByOnePlus takes h and t of one shape, got \(h.shape) and \(t.shape)")
        let (hs, ts) = (h.value.scalars, t.value.scalars)
        let count = hs.count
        var out = [Float](unsafeUninitializedCapacity: count) { _, c in c = count }
        hs.withUnsafeBufferPointer { ph in ts.withUnsafeBufferPointer { pt in out.withUnsafeMutableBufferPointer { po in
            let (H, T, O) = (ph.baseAddress!, pt.baseAddress!, po.baseAddress!)
            parallelChunks(count, work: 4 * count) { range in for i in range { O[i] = H[i] + H[i] * T[i] } }
        }}}
        return result(Tensor(shape: h.shape, scalars: out), inputs: [h, t]) { res in
            res.gradStorage.withUnsafeBufferPointer { pg in hs.withUnsafeBufferPointer { ph in ts.withUnsafeBufferPointer { pt in
                let (G, H, T) = (pg.baseAddress!, ph.baseAddress!, pt.baseAddress!)
                if h.requiresGrad {
                    h.withGradToOverwriteOrAdd { GH, new in parallelChunks(count, work: 4 * count) { range in
                        if new {
                            for i in range { GH[i] = (0 + G[i]) + (0 + G[i]) * T[i] }
                        } else {
                            for i in range { GH[i] = (GH[i] + G[i]) + (0 + G[i]) * T[i] }
                        }
                    } }
                }
                if t.requiresGrad {
                    t.withGradToOverwriteOrAdd { GT, new in parallelChunks(count, work: 4 * count) { range in
                        if new { for i in range { GT[i] = 0 + (0 + G[i]) * H[i] } } else { for i in range { GT[i] += (0 + G[i]) * H[i] } }
                    } }
                }
            }}}
        }
    }
}

/// log(1 + eˣ) without overflow for large x or loss of precision for very negative x.
@inlinable
public func softplusScalar(_ x: Float) -> Float {
    x > 0 ? x + Foundation.log1p(Foundation.exp(-x)) : Foundation.log1p(Foundation.exp(x))
}

/// g ← g ⊙ [y > 0] over `count` elements: the gradient through a ReLU whose output is y.
///
/// Branch-free in 16-lane blocks. The plain loop `for i where y[i] <= 0 { g[i] = 0 }` compiles to a branch per
/// element, and with the random signs of activations it mispredicts about half the time: in the pair MLP of
/// TE attention that loop took a third of the backward pass.
@inlinable
public func maskReLUGradient(_ g: UnsafeMutablePointer<Float>, output y: UnsafePointer<Float>, count n: Int) {
    var i = 0
    while i + 16 <= n {
        let yv = UnsafeRawPointer(y + i).loadUnaligned(as: SIMD16<Float>.self)
        var gv = UnsafeRawPointer(g + i).loadUnaligned(as: SIMD16<Float>.self)
        gv.replace(with: 0, where: yv .<= 0)
        UnsafeMutableRawPointer(g + i).storeBytes(of: gv, as: SIMD16<Float>.self)
        i += 16
    }
    while i < n {
        if y[i] <= 0 { g[i] = 0 }
        i += 1
    }
}

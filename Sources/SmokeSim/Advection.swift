/// The advection kernels of one step (Docs/smoke-simulator.md §a.3 steps 1, 3–5) on the padded MAC layout of `MACLayout`.
/// `ReferenceStep` is the plain implementation the tests compare these with.

/// Bilinear sample of a centred field (n × n) at (x, y) with the zero-gradient (clamped) boundary.
@inline(__always)
func sampleCentred<T: SmokeScalar>(_ a: UnsafePointer<T>, _ n: Int, _ x: T, _ y: T) -> T {
    let fx = min(max(x - 0.5, 0), T(n - 1)), fy = min(max(y - 0.5, 0), T(n - 1))
    let i0 = min(fx.truncatedInt, n - 2), j0 = min(fy.truncatedInt, n - 2)
    let tx = fx - T(i0), ty = fy - T(j0)
    let r0 = a + j0 * n + i0, r1 = r0 + n
    let b0 = r0[0] + tx * (r0[1] - r0[0]), b1 = r1[0] + tx * (r1[1] - r1[0])
    return b0 + ty * (b1 - b0)
}

/// Bilinear sample of a padded lattice of `width` × `height` nodes at lattice coordinates (gx, gy), clamped
/// onto the lattice (the outer nodes are zero ghosts or walls, so far-away samples are 0).
@inline(__always)
func sampleLattice<T: SmokeScalar>(_ a: UnsafePointer<T>, _ width: Int, _ height: Int, _ gx: T, _ gy: T) -> T {
    let fx = min(max(gx, 0), T(width - 1)), fy = min(max(gy, 0), T(height - 1))
    let i0 = min(fx.truncatedInt, width - 2), j0 = min(fy.truncatedInt, height - 2)
    let tx = fx - T(i0), ty = fy - T(j0)
    let r0 = a + j0 * width + i0, r1 = r0 + width
    let b0 = r0[0] + tx * (r0[1] - r0[0]), b1 = r1[0] + tx * (r1[1] - r1[0])
    return b0 + ty * (b1 - b0)
}

/// MacCormack advection of the smoke with the min/max limiter, plus the inflow (steps 1–2).
/// `hat` is scratch (n²); `out` receives the new smoke. `s`, `hat` and `out` must not alias.
func advectSmoke<T: SmokeScalar>(n: Int, dt: T, s: UnsafePointer<T>, u: UnsafePointer<T>, v: UnsafePointer<T>,
                                        inflow: UnsafePointer<T>, hat: UnsafeMutablePointer<T>, out: UnsafeMutablePointer<T>) {
    let uw = n + 1, vw = n + 2
    @inline(__always) func velocity(_ i: Int, _ j: Int) -> (T, T) {
        let ur = u + (j + 1) * uw + i
        let wx = (ur[0] + ur[1]) * 0.5
        let wy = (v[j * vw + i + 1] + v[(j + 1) * vw + i + 1]) * 0.5
        return (wx, wy)
    }
    for j in 0..<n {
        let cy = T(j) + 0.5
        for i in 0..<n {
            let (wx, wy) = velocity(i, j)
            hat[j * n + i] = sampleCentred(s, n, T(i) + 0.5 - dt * wx, cy - dt * wy)
        }
    }
    let hatc = UnsafePointer(hat)
    let limit = T(n + 1)
    for j in 0..<n {
        let cy = T(j) + 0.5
        for i in 0..<n {
            let (wx, wy) = velocity(i, j)
            let cx = T(i) + 0.5
            let check = sampleCentred(hatc, n, cx + dt * wx, cy + dt * wy)
            let c = j * n + i
            let mc = hatc[c] + 0.5 * (s[c] - check)
            // The 2 × 2 cells around the back-traced point: floor(back − ½) and + 1, each clamped into 0 … n − 1.
            let bx = min(max(cx - dt * wx - 0.5, -2), limit), by = min(max(cy - dt * wy - 0.5, -2), limit)
            let ix = bx.rounded(.down).truncatedInt, iy = by.rounded(.down).truncatedInt
            let x0 = min(max(ix, 0), n - 1), x1 = min(max(ix + 1, 0), n - 1)
            let y0 = min(max(iy, 0), n - 1), y1 = min(max(iy + 1, 0), n - 1)
            let a = s[y0 * n + x0], b = s[y0 * n + x1], d = s[y1 * n + x0], e = s[y1 * n + x1]
            let lo = min(min(a, b), min(d, e)), hi = max(max(a, b), max(d, e))
            out[c] = min(max(mc, lo), hi) + inflow[c]
        }
    }
}

/// Semi-Lagrangian self-advection of both velocity components from the old velocity, plus the buoyancy force
/// from the new smoke `s` (steps 3–5). `forceFactor` is B (or B·dt for the demo scaling). Writes the interior
/// faces of `uOut`, `vOut`; their walls and ghosts must already be 0.
func advectVelocity<T: SmokeScalar>(n: Int, dt: T, forceFactor: T, s: UnsafePointer<T>,
                                           u: UnsafePointer<T>, v: UnsafePointer<T>,
                                           uOut: UnsafeMutablePointer<T>, vOut: UnsafeMutablePointer<T>) {
    let uw = n + 1, vw = n + 2
    for j in 0..<n {
        let py = T(j) + 0.5
        for i in 1..<n {
            let idx = (j + 1) * uw + i
            let wu = u[idx]
            let vr = v + j * vw + i
            let wv = (vr[0] + vr[1] + vr[vw] + vr[vw + 1]) * 0.25
            // u lattice coordinates: gx = x, gy = y + ½
            uOut[idx] = sampleLattice(u, uw, n + 2, T(i) - dt * wu, py - dt * wv + 0.5)
        }
    }
    for j in 1..<n {
        let py = T(j)
        for i in 0..<n {
            let idx = j * vw + i + 1
            let wv = v[idx]
            let ur = u + j * uw + i
            let wu = (ur[0] + ur[1] + ur[uw] + ur[uw + 1]) * 0.25
            // v lattice coordinates: gx = x + ½, gy = y
            let adv = sampleLattice(v, vw, n + 1, T(i) + 0.5 - dt * wu + 0.5, py - dt * wv)
            vOut[idx] = adv + forceFactor * (s[(j - 1) * n + i] + s[j * n + i]) * 0.5
        }
    }
}

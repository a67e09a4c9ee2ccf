import Foundation
import Testing
@testable import SmokeSim

struct SamplingTests {
    @Test func smokeClampsToNearestBoundaryValue() {
        var st = ReferenceState(n: 4)
        for j in 0..<4 { for i in 0..<4 { st.s[j][i] = Double(10 * j + i) } }
        #expect(st.smokeAt(-5, -5) == 0)
        #expect(st.smokeAt(100, 0.5) == 3)
        #expect(st.smokeAt(1.5, 1.5) == 11)
        #expect(abs((st.smokeAt(1.0, 0.5)) - 0.5) <= 1e-15)
        // Fast kernel agrees with the reference everywhere, including far outside.
        let flat = st.s.flatMap { $0 }
        flat.withUnsafeBufferPointer { p in
            for (x, y) in [(-5.0, -5.0), (100, 0.5), (1.3, 2.7), (3.9, 0.1), (0.2, 3.99)] {
                #expect(abs((sampleCentred(p.baseAddress!, 4, x, y)) - (st.smokeAt(x, y))) <= 1e-12)
            }
        }
    }

    @Test func velocityGhostsAreZeroAndCentreIsFaceMean() {
        var st = ReferenceState(n: 4)
        for j in 0..<4 { for i in 1..<4 { st.u[j][i] = Double(1 + i + 3 * j) } }
        for j in 1..<4 { for i in 0..<4 { st.v[j][i] = Double(2 * i - j) } }
        #expect(st.uAt(0, 1.5) == 0)               // wall face
        #expect(st.uAt(2, -0.5) == 0)              // ghost row
        #expect(st.uAt(2, 0) == (st.u[0][2] / 2))    // half-way to the ghost: half the interior value
        #expect(st.uAt(-50, 90) == 0); #expect(st.vAt(50, -90) == 0)
        for j in 0..<4 { for i in 0..<4 {
            let (cx, cy) = (Double(i) + 0.5, Double(j) + 0.5)
            #expect(abs((st.uAt(cx, cy)) - ((st.u[j][i] + st.u[j][i + 1]) / 2)) <= 1e-12)
            #expect(abs((st.vAt(cx, cy)) - ((st.v[j][i] + st.v[j + 1][i]) / 2)) <= 1e-12)
        } }
        // v at a u-face is the mean of the four surrounding v faces.
        #expect(abs((st.vAt(2, 1.5)) - ((st.v[1][1] + st.v[1][2] + st.v[2][1] + st.v[2][2]) / 4)) <= 1e-12)
        // The padded fast sampler agrees.
        let l = MACLayout(n: 4)
        var pu = [Double](repeating: 0, count: l.uCount), pv = [Double](repeating: 0, count: l.vCount)
        for j in 0..<4 { for i in 0...4 { pu[l.u(i, j)] = st.u[j][i] } }
        for j in 0...4 { for i in 0..<4 { pv[l.v(i, j)] = st.v[j][i] } }
        for (x, y) in [(0.3, 1.2), (2.0, 3.9), (-1.0, 2.0), (4.4, -0.2), (1.7, 4.6)] {
            pu.withUnsafeBufferPointer { #expect(abs((sampleLattice($0.baseAddress!, 5, 6, x, y + 0.5)) - (st.uAt(x, y))) <= 1e-12) }
            pv.withUnsafeBufferPointer { #expect(abs((sampleLattice($0.baseAddress!, 6, 5, x + 0.5, y)) - (st.vAt(x, y))) <= 1e-12) }
        }
    }
}

import NPTensor
import Testing

@Suite struct RandomGeneratorTests {
    @Test func sameSeedSameStream() {
        var a = RandomGenerator(seed: 42), b = RandomGenerator(seed: 42)
        for _ in 0..<100 { #expect(a.next() == b.next()) }
    }

    @Test func streamsDiffer() {
        var a = RandomGenerator(seed: 42, stream: 0), b = RandomGenerator(seed: 42, stream: 1)
        #expect((0..<10).map { _ in a.next() } != (0..<10).map { _ in b.next() })
    }

    @Test func normalMomentsAndUniformRange() {
        var rng = RandomGenerator(seed: 3)
        let n = 200_000
        var s = 0.0, s2 = 0.0
        for _ in 0..<n { let z = rng.normal(); s += z; s2 += z * z }
        let mean = s / Double(n), variance = s2 / Double(n) - mean * mean
        #expect(abs(mean) < 0.01)          // s.e. of the mean is 0.0022
        #expect(abs(variance - 1) < 0.015) // s.e. of the variance is 0.0032
        for _ in 0..<10_000 { let u = rng.uniform(); #expect(u >= 0 && u < 1) }
        let ints = (0..<6000).map { _ in rng.integer(in: 1...6) }
        for face in 1...6 { #expect(abs(ints.filter { $0 == face }.count - 1000) < 150) }
        let heads = (0..<10_000).filter { _ in rng.bernoulli(0.3) }.count
        #expect(abs(heads - 3000) < 200)
    }

    @Test func stateRoundTripsThroughCodable() throws {
        var rng = RandomGenerator(seed: 9)
        _ = rng.next()
        let data = try JSONEncoder().encode(rng)
        var restored = try JSONDecoder().decode(RandomGenerator.self, from: data)
        #expect(rng.next() == restored.next())
    }
}

import Foundation

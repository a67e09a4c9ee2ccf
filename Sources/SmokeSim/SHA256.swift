import Foundation

/// SHA-256 (FIPS 180-4), so that shard checksums can be checked with the standard `sha256sum`.
/// The constants are computed from their definition (fractional parts of square and cube roots of primes)
/// and the tests compare digests with known values.
public struct SHA256 {
    private var h: [UInt32] = SHA256.initial
    private var buffer: [UInt8] = []
    private var length: UInt64 = 0

    static let primes: [Int] = {
        var out: [Int] = []; var c = 2
        while out.count < 64 { if !out.contains(where: { c % $0 == 0 }) { out.append(c) }; c += 1 }
        return out
    }()
    /// First 32 bits of the fractional part of the square (root 2) or cube (root 3) root of p. Double carries
    /// about 50 fractional bits here (the roots are below 8), so the first 32 are exact; the tests confirm the digests.
    static func fractionBits(_ p: Int, root: Int) -> UInt32 {
        let x = root == 2 ? Double(p).squareRoot() : cbrt(Double(p))
        return UInt32((x - x.rounded(.down)) * 4_294_967_296)
    }
    static let initial: [UInt32] = primes.prefix(8).map { fractionBits($0, root: 2) }
    static let k: [UInt32] = primes.map { fractionBits($0, root: 3) }

    public init() {}

    public mutating func update(_ data: Data) {
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in update(raw) }
    }

    public mutating func update(_ raw: UnsafeRawBufferPointer) {
        length &+= UInt64(raw.count)
        var offset = 0
        if !buffer.isEmpty {
            let take = min(64 - buffer.count, raw.count)
            buffer.append(contentsOf: raw[0..<take]); offset = take
            if buffer.count == 64 { buffer.withUnsafeBytes { compress(UnsafeRawBufferPointer(rebasing: $0[0..<64])) }; buffer.removeAll(keepingCapacity: true) }
        }
        while raw.count - offset >= 64 {
            compress(UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + 64)])); offset += 64
        }
        if offset < raw.count { buffer.append(contentsOf: raw[offset...]) }
    }

    public mutating func finalize() -> String {
        let bits = length &* 8
        var tail: [UInt8] = [0x80]
        while (buffer.count + tail.count) % 64 != 56 { tail.append(0) }
        for s in stride(from: 56, through: 0, by: -8) { tail.append(UInt8(truncatingIfNeeded: bits >> UInt64(s))) }
        let savedLength = length
        tail.withUnsafeBytes { update($0) }
        length = savedLength
        return h.map { String(format: "%08x", $0) }.joined()
    }

    private mutating func compress(_ block: UnsafeRawBufferPointer) {
        var w = [UInt32](repeating: 0, count: 64)
        for t in 0..<16 {
            w[t] = UInt32(block[4 * t]) << 24 | UInt32(block[4 * t + 1]) << 16 | UInt32(block[4 * t + 2]) << 8 | UInt32(block[4 * t + 3])
        }
        @inline(__always) func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }
        for t in 16..<64 {
            let s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3)
            let s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10)
            w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
        }
        var (a, b, c, d, e, f, g, hh) = (h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7])
        let k = SHA256.k
        for t in 0..<64 {
            let t1 = hh &+ (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) &+ ((e & f) ^ (~e & g)) &+ k[t] &+ w[t]
            let t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) &+ ((a & b) ^ (a & c) ^ (b & c))
            hh = g; g = f; f = e; e = d &+ t1; d = c; c = b; b = a; a = t1 &+ t2
        }
        h[0] &+= a; h[1] &+= b; h[2] &+= c; h[3] &+= d; h[4] &+= e; h[5] &+= f; h[6] &+= g; h[7] &+= hh
    }

    public static func hex(_ data: Data) -> String { var s = SHA256(); s.update(data); return s.finalize() }

    /// Digest of a file, read in 4 MiB chunks.
    public static func hex(fileAt url: URL) throws -> String {
        guard let handle = try? FileHandle(forReadingFrom: url) else { throw SmokeError.io("cannot open \(url.path)") }
        defer { try? handle.close() }
        var s = SHA256()
        while true {
            let chunk = handle.readData(ofLength: 4 << 20)
            if chunk.isEmpty { break }
            s.update(chunk)
        }
        return s.finalize()
    }
}

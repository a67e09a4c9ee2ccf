import Foundation

/// Reads big-endian (XDR) integers, doubles and byte strings from a buffer, throwing a clear error when the
/// buffer ends early.
struct XDRCursor {
    private let bytes: [UInt8]
    private(set) var offset: Int

    init(_ data: Data, offset: Int = 0) {
        self.bytes = [UInt8](data)
        self.offset = offset
    }

    var remaining: Int { bytes.count - offset }

    private func require(_ n: Int, _ what: String) throws {
        guard n >= 0, remaining >= n else {
            throw StationDataError.malformedSerialization(
                "the stream ends at byte \(bytes.count) while reading \(what) (\(n) bytes needed at byte \(offset))")
        }
    }

    mutating func readUInt32(_ what: @autoclosure () -> String = "an integer") throws -> UInt32 {
        try require(4, what())
        let v = UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16
            | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
        offset += 4
        return v
    }

    mutating func readInt32(_ what: @autoclosure () -> String = "an integer") throws -> Int32 {
        Int32(bitPattern: try readUInt32(what()))
    }

    mutating func readInt32s(_ count: Int, _ what: String) throws -> [Int32] {
        try require(count * 4, what)
        var out = [Int32](repeating: 0, count: count)
        bytes.withUnsafeBufferPointer { b in
            var o = offset
            for i in 0..<count {
                out[i] = Int32(bitPattern: UInt32(b[o]) << 24 | UInt32(b[o + 1]) << 16 | UInt32(b[o + 2]) << 8 | UInt32(b[o + 3]))
                o += 4
            }
        }
        offset += count * 4
        return out
    }

    mutating func readDoubles(_ count: Int, _ what: String) throws -> [Double] {
        try require(count * 8, what)
        var out = [Double](repeating: 0, count: count)
        bytes.withUnsafeBufferPointer { b in
            var o = offset
            for i in 0..<count {
                var bits: UInt64 = 0
                for k in 0..<8 { bits = bits << 8 | UInt64(b[o + k]) }
                out[i] = Double(bitPattern: bits)
                o += 8
            }
        }
        offset += count * 8
        return out
    }

    mutating func readBytes(_ count: Int, _ what: String) throws -> [UInt8] {
        try require(count, what)
        let out = Array(bytes[offset..<(offset + count)])
        offset += count
        return out
    }
}

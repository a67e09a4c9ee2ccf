import Foundation

/// Encodes and decodes the binary arrays of the local format: IEEE-754 float64 or two's-complement int32,
/// little-endian, no header (shape and type live in the manifest).
public enum LittleEndianArrays {
    public static func encode(_ values: [Double]) -> Data {
        var out = Data(count: values.count * 8)
        out.withUnsafeMutableBytes { raw in
            for (i, v) in values.enumerated() { raw.storeBytes(of: v.bitPattern.littleEndian, toByteOffset: i * 8, as: UInt64.self) }
        }
        return out
    }

    public static func encode(_ values: [Int32]) -> Data {
        var out = Data(count: values.count * 4)
        out.withUnsafeMutableBytes { raw in
            for (i, v) in values.enumerated() { raw.storeBytes(of: v.littleEndian, toByteOffset: i * 4, as: Int32.self) }
        }
        return out
    }

    public static func decodeDoubles(_ data: Data) -> [Double] {
        data.withUnsafeBytes { raw in
            (0..<(raw.count / 8)).map { Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self))) }
        }
    }

    public static func decodeInt32s(_ data: Data) -> [Int32] {
        data.withUnsafeBytes { raw in
            (0..<(raw.count / 4)).map { Int32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: Int32.self)) }
        }
    }
}

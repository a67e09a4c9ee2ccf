import AtomicFile
import Foundation

/// A minimal NumPy `.npy` (format 1.0) writer and reader for little-endian float32 (`<f4`) and float64 (`<f8`)
/// C-ordered arrays.
public enum Npy {
    public struct Array: Equatable, Sendable {
        public var shape: [Int]
        public var values: [Float]
        public init(shape: [Int], values: [Float]) { self.shape = shape; self.values = values }
    }

    /// The bytes of a float32 array file.
    public static func encode(_ values: [Float], shape: [Int]) -> Data {
        precondition(shape.reduce(1, *) == values.count, "Npy.encode: shape \(shape) does not hold \(values.count) values")
        let dims = shape.count == 1 ? "\(shape[0])," : shape.map(String.init).joined(separator: ", ")
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(dims)), }"
        // magic (6) + version (2) + header length (2) + header, padded with spaces to a multiple of 64, ending in \n.
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data([0x93] + Swift.Array("NUMPY".utf8) + [1, 0])
        let len = UInt16(header.utf8.count)
        data.append(contentsOf: [UInt8(len & 0xFF), UInt8(len >> 8)])
        data.append(contentsOf: Swift.Array(header.utf8))
        values.withUnsafeBufferPointer { data.append(UnsafeBufferPointer(start: UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: UInt8.self), count: $0.count * 4)) }
        return data
    }

    /// Parses a `.npy` file of `<f4` or `<f8` values (converted to Float).
    public static func decode(_ data: Data, name: String = "array") throws -> Array {
        func bad(_ why: String) -> SmokeError { .corruptData("\(name): not a readable .npy file (\(why))") }
        let bytes = [UInt8](data)
        guard bytes.count >= 10, bytes[0] == 0x93, Swift.Array(bytes[1..<6]) == Swift.Array("NUMPY".utf8) else { throw bad("bad magic") }
        guard bytes[6] == 1 else { throw bad("format version \(bytes[6]) unsupported") }
        let hlen = Int(bytes[8]) | Int(bytes[9]) << 8
        guard bytes.count >= 10 + hlen else { throw bad("truncated header") }
        let header = String(decoding: bytes[10..<(10 + hlen)], as: UTF8.self)
        let descr: Int
        if header.contains("'descr': '<f4'") { descr = 4 } else if header.contains("'descr': '<f8'") { descr = 8 } else { throw bad("dtype is not <f4 or <f8") }
        guard header.contains("'fortran_order': False") else { throw bad("Fortran order unsupported") }
        guard let open = header.range(of: "'shape': ("), let close = header[open.upperBound...].firstIndex(of: ")") else { throw bad("no shape") }
        let shape = try header[open.upperBound..<close].split(separator: ",").map { part -> Int in
            guard let v = Int(part.trimmingCharacters(in: .whitespaces)), v >= 0 else { throw bad("shape '\(part)'") }
            return v
        }
        let start = 10 + hlen
        // The element count, refused when it overflows or exceeds what the file holds (a corrupt header must not
        // wrap around to a small or negative size).
        var count = 1
        for d in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow, product <= (bytes.count - start) / descr || d == 0 else {
                throw bad("shape \(shape) holds more values than the file's \(bytes.count - start) data bytes (truncated or corrupt header)")
            }
            count = product
        }
        guard bytes.count == start + count * descr else {
            throw bad("expected \(count * descr) data bytes for shape \(shape), found \(bytes.count - start) (truncated or corrupt)")
        }
        var values = [Float](repeating: 0, count: count)
        bytes.withUnsafeBufferPointer { bp in
            let raw = UnsafeRawPointer(bp.baseAddress! + start)
            for k in 0..<count {
                values[k] = descr == 4 ? Float(bitPattern: raw.loadUnaligned(fromByteOffset: 4 * k, as: UInt32.self).littleEndian)
                                       : Float(Double(bitPattern: raw.loadUnaligned(fromByteOffset: 8 * k, as: UInt64.self).littleEndian))
            }
        }
        return Array(shape: shape, values: values)
    }

    public static func write(_ values: [Float], shape: [Int], to url: URL) throws {
        try atomicWrite(encode(values, shape: shape), to: url)
    }

    public static func read(_ url: URL) throws -> Array {
        guard let d = try? Data(contentsOf: url) else { throw SmokeError.io("cannot read \(url.path)") }
        return try decode(d, name: url.path)
    }
}

/// Writes `data` atomically (AtomicFile), reporting failures as `SmokeError.io`.
func atomicWrite(_ data: Data, to url: URL) throws {
    do { try writeAtomically(data, to: url) } catch let e as FileError {
        throw SmokeError.io(e.description)
    } catch {
        throw SmokeError.io("cannot write \(url.path): \(error)")
    }
}

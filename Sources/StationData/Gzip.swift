import CZlib
import Foundation

/// gzip compression and decompression through zlib (the compression R's `save()` uses by default).
public enum Gzip {
    /// True when the bytes start with the gzip magic number 1f 8b.
    public static func isGzip(_ data: Data) -> Bool {
        data.count >= 2 && data[data.startIndex] == 0x1F && data[data.startIndex + 1] == 0x8B
    }

    /// Decompresses a gzip stream (several concatenated members are read one after another).
    /// A stream that ends before its trailer, or that fails its CRC, throws `StationDataError.corruptCompression`.
    public static func decompress(_ input: Data) throws -> Data {
        var output = Data()
        var stream = z_stream()
        guard czlib_inflate_init_gzip(&stream) == Z_OK else {
            throw StationDataError.corruptCompression("zlib could not start a gzip stream")
        }
        defer { inflateEnd(&stream) }
        let chunkSize = 1 << 18
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        try input.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            guard let base = raw.bindMemory(to: UInt8.self).baseAddress, raw.count > 0 else {
                throw StationDataError.corruptCompression("empty input")
            }
            stream.next_in = UnsafeMutablePointer(mutating: base)
            stream.avail_in = UInt32(raw.count)
            while true {
                let status: Int32 = chunk.withUnsafeMutableBufferPointer { buffer in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = UInt32(chunkSize)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                output.append(contentsOf: chunk[0..<(chunkSize - Int(stream.avail_out))])
                switch status {
                case Z_STREAM_END:
                    if stream.avail_in == 0 { return }
                    // Another gzip member follows (R never writes one, but gzip allows it).
                    guard inflateReset(&stream) == Z_OK else {
                        throw StationDataError.corruptCompression("zlib could not start the next gzip member")
                    }
                case Z_OK:
                    continue
                case Z_BUF_ERROR where stream.avail_in == 0:
                    throw StationDataError.corruptCompression(
                        "the gzip stream is truncated (input ended after \(output.count) decompressed bytes)")
                default:
                    let message = stream.msg.map { String(cString: $0) } ?? "zlib status \(status)"
                    throw StationDataError.corruptCompression("the gzip stream is corrupt: \(message)")
                }
            }
        }
        return output
    }

    /// Compresses bytes into one gzip member (used by tests to write synthetic `.rda` files).
    public static func compress(_ input: Data, level: Int32 = 6) throws -> Data {
        var stream = z_stream()
        guard czlib_deflate_init_gzip(&stream, level) == Z_OK else {
            throw StationDataError.corruptCompression("zlib could not start a gzip stream for writing")
        }
        defer { deflateEnd(&stream) }
        var output = Data()
        let chunkSize = 1 << 16
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        var bytes = [UInt8](input)
        try bytes.withUnsafeMutableBufferPointer { inputBuffer in
            stream.next_in = inputBuffer.baseAddress
            stream.avail_in = UInt32(inputBuffer.count)
            var status = Z_OK
            repeat {
                status = chunk.withUnsafeMutableBufferPointer { buffer in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = UInt32(chunkSize)
                    return deflate(&stream, Z_FINISH)
                }
                guard status == Z_OK || status == Z_STREAM_END else {
                    throw StationDataError.corruptCompression("zlib deflate failed with status \(status)")
                }
                output.append(contentsOf: chunk[0..<(chunkSize - Int(stream.avail_out))])
            } while status != Z_STREAM_END
        }
        return output
    }

    /// CRC-32 (the gzip / ISO-HDLC polynomial) of some bytes, through zlib.
    public static func crc32(_ data: Data) -> UInt32 {
        data.withUnsafeBytes { raw -> UInt32 in
            guard let base = raw.bindMemory(to: UInt8.self).baseAddress else { return 0 }
            var crc: uLong = CZlib.crc32(0, nil, 0)
            var offset = 0
            while offset < raw.count {   // zlib takes a 32-bit length
                let n = min(raw.count - offset, 1 << 30)
                crc = CZlib.crc32(crc, base + offset, uInt(n))
                offset += n
            }
            return UInt32(truncatingIfNeeded: crc)
        }
    }
}

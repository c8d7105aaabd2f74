import CZlib
import Foundation

/// Decompresses a gzip file (one or more members) through the system zlib.
enum Gunzip {
    /// The decompressed bytes; refuses output larger than `limit` bytes.
    static func decompress(_ data: Data, file: String, limit: Int = 64 << 20) throws -> [UInt8] {
        guard data.count >= 18, data[data.startIndex] == 0x1F, data[data.startIndex + 1] == 0x8B else {
            throw TokenizerError(file: file, "not a gzip file")
        }
        var stream = z_stream()
        // 15 window bits + 16: expect a gzip header and trailer.
        guard inflateInit2_(&stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK
        else {
            throw TokenizerError(file: file, "zlib could not start inflating")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        try data.withUnsafeBytes { (input: UnsafeRawBufferPointer) in
            stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
            stream.avail_in = uInt(input.count)
            while true {
                let status = chunk.withUnsafeMutableBufferPointer { buffer -> Int32 in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = uInt(buffer.count)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                let produced = chunk.count - Int(stream.avail_out)
                guard output.count + produced <= limit else {
                    throw TokenizerError(file: file, "decompresses to more than \(limit) bytes")
                }
                output.append(contentsOf: chunk[0..<produced])
                switch status {
                case Z_STREAM_END:
                    // Concatenated members: start over on what is left.
                    if stream.avail_in == 0 { return }
                    guard inflateReset(&stream) == Z_OK else {
                        throw TokenizerError(file: file, "zlib could not reset between gzip members")
                    }
                case Z_OK:
                    if produced == 0 && stream.avail_in == 0 {
                        throw TokenizerError(file: file, "gzip data is truncated")
                    }
                case Z_BUF_ERROR where stream.avail_in == 0:
                    throw TokenizerError(file: file, "gzip data is truncated")
                default:
                    let message = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                    throw TokenizerError(file: file, "corrupt gzip data (\(message))")
                }
            }
        }
        return output
    }
}

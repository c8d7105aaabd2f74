import NIOCore

/// Bounded readers and writers for the primitive field types of docs/protocol.md ("Field types").
extension ByteBuffer {
    @inlinable mutating func wireRead<T: FixedWidthInteger>(_ type: T.Type, _ field: String) throws -> T {
        guard let v = readInteger(as: T.self) else { throw ProtocolError.truncated(field: field) }
        return v
    }

    mutating func wireReadBool(_ field: String) throws -> Bool {
        let v = try wireRead(UInt8.self, field)
        guard v <= 1 else { throw ProtocolError.invalidValue(field: field, value: Int(v)) }
        return v == 1
    }

    mutating func wireReadFloat(_ field: String) throws -> Float {
        Float(bitPattern: try wireRead(UInt32.self, field))
    }

    /// u32 length + UTF-8 bytes; the length is checked against `limit` before reading.
    mutating func wireReadString(_ field: String, limit: Int = WireLimits.maxString) throws -> String {
        let n = Int(try wireRead(UInt32.self, field))
        guard n <= limit else { throw ProtocolError.lengthOverLimit(field: field, length: n, limit: limit) }
        guard readableBytes >= n else { throw ProtocolError.truncated(field: field) }
        guard let s = readString(length: n), s.utf8.count == n,
              String(validating: s.utf8, as: UTF8.self) != nil
        else { throw ProtocolError.invalidUTF8(field: field) }
        return s
    }

    /// u32 length + bytes; the length is checked against `limit` and the bytes present before copying.
    mutating func wireReadBytes(_ field: String, limit: Int = WireLimits.maxBlob) throws -> [UInt8] {
        let n = Int(try wireRead(UInt32.self, field))
        guard n <= limit else { throw ProtocolError.lengthOverLimit(field: field, length: n, limit: limit) }
        guard let b = readBytes(length: n) else { throw ProtocolError.truncated(field: field) }
        return b
    }

    /// Exactly 32 bytes (a sha256 digest or a nonce).
    mutating func wireReadDigest(_ field: String) throws -> [UInt8] {
        guard let b = readBytes(length: 32) else { throw ProtocolError.truncated(field: field) }
        return b
    }

    /// u16 count checked against `limit` before anything is allocated.
    mutating func wireReadCount(_ field: String, limit: Int) throws -> Int {
        let n = Int(try wireRead(UInt16.self, field))
        guard n <= limit else { throw ProtocolError.lengthOverLimit(field: field, length: n, limit: limit) }
        return n
    }

    func wireExpectEnd(_ message: String) throws {
        guard readableBytes == 0 else { throw ProtocolError.trailingBytes(message: message, count: readableBytes) }
    }

    mutating func wireWriteString(_ s: String) {
        writeInteger(UInt32(s.utf8.count)); writeString(s)
    }

    mutating func wireWriteBytes(_ b: [UInt8]) {
        writeInteger(UInt32(b.count)); writeBytes(b)
    }

    mutating func wireWriteBool(_ b: Bool) { writeInteger(UInt8(b ? 1 : 0)) }
    mutating func wireWriteFloat(_ f: Float) { writeInteger(f.bitPattern) }
}

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
        guard readableBytes == 0 else {
            throw ProtocolError.trailingBytes(message: message, count: readableBytes)
        }
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

/// Composite field types (docs/protocol.md, "Field types"): f64, optional values, ids.
extension ByteBuffer {
    /// f64; NaN and infinities are refused (no field has a use for them).
    mutating func wireReadDouble(_ field: String) throws -> Double {
        let d = Double(bitPattern: try wireRead(UInt64.self, field))
        guard d.isFinite else { throw ProtocolError.invalidValue(field: field, value: 0) }
        return d
    }

    mutating func wireWriteDouble(_ d: Double) { writeInteger(d.bitPattern) }

    /// A database id: u64 on the wire, 1...Int64.max (0 and the sign bit are refused).
    mutating func wireReadID(_ field: String) throws -> Int64 {
        let v = try wireRead(UInt64.self, field)
        guard v >= 1, v <= UInt64(Int64.max) else {
            throw ProtocolError.invalidValue(field: field, value: Int(truncatingIfNeeded: v))
        }
        return Int64(v)
    }

    mutating func wireWriteID(_ v: Int64) { writeInteger(UInt64(truncatingIfNeeded: v)) }

    /// A non-negative Int64 on the wire as u64 (fences, counts that may be zero).
    mutating func wireReadUInt63(_ field: String) throws -> Int64 {
        let v = try wireRead(UInt64.self, field)
        guard v <= UInt64(Int64.max) else { throw ProtocolError.invalidValue(field: field, value: -1) }
        return Int64(v)
    }

    /// u32 read as an Int, bounded by `range`.
    mutating func wireReadU32(_ field: String, in range: ClosedRange<Int> = 0...Int(UInt32.max)) throws -> Int
    {
        let v = Int(try wireRead(UInt32.self, field))
        guard range.contains(v) else { throw ProtocolError.invalidValue(field: field, value: v) }
        return v
    }

    /// u16 read as an Int, bounded by `range`.
    mutating func wireReadU16(_ field: String, in range: ClosedRange<Int> = 0...Int(UInt16.max)) throws -> Int
    {
        let v = Int(try wireRead(UInt16.self, field))
        guard range.contains(v) else { throw ProtocolError.invalidValue(field: field, value: v) }
        return v
    }

    /// bool present, then the string when present.
    mutating func wireReadOptionalString(_ field: String, limit: Int = WireLimits.maxString) throws -> String?
    {
        try wireReadBool(field) ? try wireReadString(field, limit: limit) : nil
    }

    mutating func wireWriteOptionalString(_ s: String?) {
        wireWriteBool(s != nil)
        if let s { wireWriteString(s) }
    }

    mutating func wireReadOptionalDouble(_ field: String) throws -> Double? {
        try wireReadBool(field) ? try wireReadDouble(field) : nil
    }

    mutating func wireWriteOptionalDouble(_ d: Double?) {
        wireWriteBool(d != nil)
        if let d { wireWriteDouble(d) }
    }

    mutating func wireReadOptionalDigest(_ field: String) throws -> [UInt8]? {
        try wireReadBool(field) ? try wireReadDigest(field) : nil
    }

    mutating func wireWriteOptionalDigest(_ d: [UInt8]?) {
        wireWriteBool(d != nil)
        if let d { wireWriteDigest(d) }
    }

    /// Exactly 32 bytes; anything else is a programming error on the sending side.
    mutating func wireWriteDigest(_ d: [UInt8]) {
        precondition(d.count == 32, "a digest is 32 bytes")
        writeBytes(d)
    }

    /// u16 count then the strings (each ≤ `limit`).
    mutating func wireReadStrings(_ field: String, countLimit: Int, limit: Int) throws -> [String] {
        let n = try wireReadCount(field, limit: countLimit)
        var out: [String] = []
        out.reserveCapacity(n)
        for _ in 0..<n { out.append(try wireReadString(field, limit: limit)) }
        return out
    }

    mutating func wireWriteStrings(_ list: [String]) {
        writeInteger(UInt16(list.count))
        for s in list { wireWriteString(s) }
    }
}

import NIOCore

/// A finished item's result starts (docs/protocol.md, "result-begin"): u64 item id, u64 fence,
/// u64 job id, f64 elapsed seconds, u16 batch size, u64 png size, digest png
/// sha256, u64 latents size, digest latents sha256. Sizes ≤ 256 MiB each; the png is not empty.
/// Then result-chunk frames carry the PNG bytes, then the latents bytes, in order, and
/// result-end closes it. One result is in flight per connection at a time.
public struct ResultBegin: WireMessage {
    public static let rawID = WorkerMessageID.resultBegin.rawValue
    public var itemID: Int64
    public var fence: Int64
    public var jobID: Int64
    public var elapsed: Double
    public var batchSize: Int
    public var pngSize: Int
    public var pngSHA256: [UInt8]
    public var latentsSize: Int
    public var latentsSHA256: [UInt8]

    public init(
        itemID: Int64, fence: Int64, jobID: Int64, elapsed: Double, batchSize: Int,
        pngSize: Int, pngSHA256: [UInt8], latentsSize: Int, latentsSHA256: [UInt8]
    ) {
        self.itemID = itemID; self.fence = fence; self.jobID = jobID
        self.elapsed = elapsed; self.batchSize = batchSize
        self.pngSize = pngSize; self.pngSHA256 = pngSHA256; self.latentsSize = latentsSize;
        self.latentsSHA256 = latentsSHA256
    }

    /// Bytes the chunks carry in all.
    public var totalSize: Int { pngSize + latentsSize }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.wireWriteID(itemID); buffer.writeInteger(UInt64(fence)); buffer.wireWriteID(jobID)
        buffer.wireWriteDouble(elapsed); buffer.writeInteger(UInt16(batchSize))
        buffer.writeInteger(UInt64(pngSize)); buffer.wireWriteDigest(pngSHA256)
        buffer.writeInteger(UInt64(latentsSize)); buffer.wireWriteDigest(latentsSHA256)
    }

    public static func decode(from buffer: inout ByteBuffer) throws -> ResultBegin {
        let item = try buffer.wireReadID("item id")
        let fence = try buffer.wireReadUInt63("fence")
        let job = try buffer.wireReadID("job id")
        let elapsed = try buffer.wireReadDouble("elapsed")
        guard elapsed.isFinite, elapsed >= 0 else {
            throw ProtocolError.invalidValue(field: "elapsed", value: 0)
        }
        let batchSize = try buffer.wireReadU16("batch size", in: 1...WireLimits.maxItemsPerFrame)
        let pngSize = try readSize(&buffer, "png size", minimum: 1)
        let pngSHA = try buffer.wireReadDigest("png sha256")
        let latentsSize = try readSize(&buffer, "latents size", minimum: 0)
        let latentsSHA = try buffer.wireReadDigest("latents sha256")
        return ResultBegin(
            itemID: item, fence: fence, jobID: job, elapsed: elapsed, batchSize: batchSize,
            pngSize: pngSize, pngSHA256: pngSHA, latentsSize: latentsSize, latentsSHA256: latentsSHA)
    }

    static func readSize(_ buffer: inout ByteBuffer, _ field: String, minimum: Int) throws -> Int {
        let v = try buffer.wireRead(UInt64.self, field)
        guard v <= UInt64(WireLimits.maxResultFile) else {
            throw ProtocolError.lengthOverLimit(
                field: field, length: Int(clamping: v), limit: WireLimits.maxResultFile)
        }
        guard Int(v) >= minimum else { throw ProtocolError.invalidValue(field: field, value: Int(v)) }
        return Int(v)
    }
}

/// Bytes of the result in flight (docs/protocol.md, "result-chunk"): bytes data (1 B…1 MiB).
public struct ResultChunk: WireMessage {
    public static let rawID = WorkerMessageID.resultChunk.rawValue
    public var data: [UInt8]
    public init(data: [UInt8]) { self.data = data }
    public func encode(into buffer: inout ByteBuffer) { buffer.wireWriteBytes(data) }
    public static func decode(from buffer: inout ByteBuffer) throws -> ResultChunk {
        let data = try buffer.wireReadBytes("chunk", limit: WireLimits.maxChunk)
        guard !data.isEmpty else { throw ProtocolError.invalidValue(field: "chunk length", value: 0) }
        return ResultChunk(data: data)
    }
}

/// The result in flight is complete (docs/protocol.md, "result-end"): u64 item id (must match
/// the begin). The coordinator checks sizes and digests, stores the files, then acknowledges.
public struct ResultEnd: WireMessage {
    public static let rawID = WorkerMessageID.resultEnd.rawValue
    public var itemID: Int64
    public init(itemID: Int64) { self.itemID = itemID }
    public func encode(into buffer: inout ByteBuffer) { buffer.wireWriteID(itemID) }
    public static func decode(from buffer: inout ByteBuffer) throws -> ResultEnd {
        ResultEnd(itemID: try buffer.wireReadID("item id"))
    }
}

import NIOCore

/// One item of a result page (docs/protocol.md, "result-item"): u32 index, string prompt,
/// string negative, u64 seed, string settings (JSON, ≤64 KiB), string state (≤64), optional
/// digest png sha256, optional string worker (≤256), optional string error (≤64 KiB), u64
/// image size (≤256 MiB; 0 when no image follows). Then exactly `imageSize` bytes in
/// result-item-chunk frames.
public struct ResultItem: WireMessage {
    public static let rawID = CoordinatorToClientMessageID.resultItem.rawValue
    public var index: Int
    public var prompt: String
    public var negative: String
    public var seed: UInt64
    public var settings: String
    public var state: String
    public var sha256: [UInt8]?
    public var worker: String?
    public var error: String?
    public var imageSize: Int

    public init(
        index: Int, prompt: String, negative: String, seed: UInt64, settings: String, state: String,
        sha256: [UInt8]?, worker: String?,
        error: String?, imageSize: Int
    ) {
        self.index = index; self.prompt = prompt; self.negative = negative; self.seed = seed;
        self.settings = settings; self.state = state
        self.sha256 = sha256; self.worker = worker; self.error = error; self.imageSize = imageSize
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt32(index)); buffer.wireWriteString(prompt); buffer.wireWriteString(negative);
        buffer.writeInteger(seed)
        buffer.wireWriteString(settings); buffer.wireWriteString(state);
        buffer.wireWriteOptionalDigest(sha256)
        buffer.wireWriteOptionalString(worker); buffer.wireWriteOptionalString(error);
        buffer.writeInteger(UInt64(imageSize))
    }

    public static func decode(from buffer: inout ByteBuffer) throws -> ResultItem {
        let index = try buffer.wireReadU32("index")
        let prompt = try buffer.wireReadString("prompt")
        let negative = try buffer.wireReadString("negative")
        let seed = try buffer.wireRead(UInt64.self, "seed")
        let settings = try buffer.wireReadString("settings")
        let state = try buffer.wireReadString("state", limit: WireLimits.maxToken)
        let sha = try buffer.wireReadOptionalDigest("sha256")
        let worker = try buffer.wireReadOptionalString("worker", limit: WireLimits.maxName)
        let error = try buffer.wireReadOptionalString("error")
        let size = try ResultBegin.readSize(&buffer, "image size", minimum: 0)
        return ResultItem(
            index: index, prompt: prompt, negative: negative, seed: seed, settings: settings, state: state,
            sha256: sha,
            worker: worker, error: error, imageSize: size)
    }
}

/// Bytes of the last result item's image (docs/protocol.md, "result-item-chunk"): bytes data (1 B…1 MiB).
public struct ResultItemChunk: WireMessage {
    public static let rawID = CoordinatorToClientMessageID.resultItemChunk.rawValue
    public var data: [UInt8]
    public init(data: [UInt8]) { self.data = data }
    public func encode(into buffer: inout ByteBuffer) { buffer.wireWriteBytes(data) }
    public static func decode(from buffer: inout ByteBuffer) throws -> ResultItemChunk {
        let data = try buffer.wireReadBytes("chunk", limit: WireLimits.maxChunk)
        guard !data.isEmpty else { throw ProtocolError.invalidValue(field: "chunk length", value: 0) }
        return ResultItemChunk(data: data)
    }
}

/// The page is complete (docs/protocol.md, "results-end"): bool more, u32 next index.
public struct ResultsEnd: WireMessage {
    public static let rawID = CoordinatorToClientMessageID.resultsEnd.rawValue
    public var more: Bool
    public var nextIndex: Int
    public init(more: Bool, nextIndex: Int) { self.more = more; self.nextIndex = nextIndex }
    public func encode(into buffer: inout ByteBuffer) {
        buffer.wireWriteBool(more); buffer.writeInteger(UInt32(nextIndex))
    }
    public static func decode(from buffer: inout ByteBuffer) throws -> ResultsEnd {
        ResultsEnd(more: try buffer.wireReadBool("more"), nextIndex: try buffer.wireReadU32("next index"))
    }
}

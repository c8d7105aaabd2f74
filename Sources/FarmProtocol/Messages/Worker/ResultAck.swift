import NIOCore

/// The coordinator stored a result (docs/protocol.md, "result-ack"): u64 item id, u64 fence.
public struct ResultAck: WireMessage {
    public static let rawID = CoordinatorToWorkerMessageID.resultAck.rawValue
    public var itemID: Int64
    public var fence: Int64
    public init(itemID: Int64, fence: Int64) { self.itemID = itemID; self.fence = fence }
    public func encode(into buffer: inout ByteBuffer) { buffer.wireWriteID(itemID); buffer.writeInteger(UInt64(fence)) }
    public static func decode(from buffer: inout ByteBuffer) throws -> ResultAck {
        ResultAck(itemID: try buffer.wireReadID("item id"), fence: try buffer.wireReadUInt63("fence"))
    }
}

/// The coordinator does not want a result (docs/protocol.md, "result-refused"): u64 item id,
/// u64 fence, string reason (≤ 4 KiB). The worker drops it from its outbox.
public struct ResultRefused: WireMessage {
    public static let rawID = CoordinatorToWorkerMessageID.resultRefused.rawValue
    public var itemID: Int64
    public var fence: Int64
    public var reason: String
    public init(itemID: Int64, fence: Int64, reason: String) {
        self.itemID = itemID; self.fence = fence
        var r = reason
        while r.utf8.count > 4096 { r.removeLast() }
        self.reason = r
    }
    public func encode(into buffer: inout ByteBuffer) { buffer.wireWriteID(itemID); buffer.writeInteger(UInt64(fence)); buffer.wireWriteString(reason) }
    public static func decode(from buffer: inout ByteBuffer) throws -> ResultRefused {
        ResultRefused(itemID: try buffer.wireReadID("item id"), fence: try buffer.wireReadUInt63("fence"),
                      reason: try buffer.wireReadString("reason", limit: 4096))
    }
}

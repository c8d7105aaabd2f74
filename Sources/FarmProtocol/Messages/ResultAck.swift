import NIOCore

/// The coordinator stored a result (docs/protocol.md, "result-ack"): u64 item id, u32 attempt, u64 fence.
public struct ResultAck: WireMessage {
    public static let rawID = CoordinatorToWorkerMessageID.resultAck.rawValue
    public var itemID: UInt64
    public var attempt: UInt32
    public var fence: UInt64
    public init(itemID: UInt64, attempt: UInt32, fence: UInt64) { self.itemID = itemID; self.attempt = attempt; self.fence = fence }
    public func encode(into buffer: inout ByteBuffer) { buffer.writeInteger(itemID); buffer.writeInteger(attempt); buffer.writeInteger(fence) }
    public static func decode(from buffer: inout ByteBuffer) throws -> ResultAck {
        ResultAck(itemID: try buffer.wireRead(UInt64.self, "item id"), attempt: try buffer.wireRead(UInt32.self, "attempt"),
                  fence: try buffer.wireRead(UInt64.self, "fence"))
    }
}

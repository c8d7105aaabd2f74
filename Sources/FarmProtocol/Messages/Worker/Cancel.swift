import NIOCore

/// The coordinator withdraws an item (docs/protocol.md, "cancel"): u64 item id, u64 fence.
public struct Cancel: WireMessage {
    public static let rawID = CoordinatorToWorkerMessageID.cancel.rawValue
    public var itemID: Int64
    public var fence: Int64
    public init(itemID: Int64, fence: Int64) { self.itemID = itemID; self.fence = fence }
    public func encode(into buffer: inout ByteBuffer) {
        buffer.wireWriteID(itemID); buffer.writeInteger(UInt64(fence))
    }
    public static func decode(from buffer: inout ByteBuffer) throws -> Cancel {
        Cancel(itemID: try buffer.wireReadID("item id"), fence: try buffer.wireReadUInt63("fence"))
    }
}

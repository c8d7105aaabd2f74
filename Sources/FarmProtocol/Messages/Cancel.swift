import NIOCore

/// The coordinator withdraws an item (docs/protocol.md, "cancel"): u64 item id, u64 fence.
public struct Cancel: WireMessage {
    public static let rawID = CoordinatorToWorkerMessageID.cancel.rawValue
    public var itemID: UInt64
    public var fence: UInt64
    public init(itemID: UInt64, fence: UInt64) { self.itemID = itemID; self.fence = fence }
    public func encode(into buffer: inout ByteBuffer) { buffer.writeInteger(itemID); buffer.writeInteger(fence) }
    public static func decode(from buffer: inout ByteBuffer) throws -> Cancel {
        Cancel(itemID: try buffer.wireRead(UInt64.self, "item id"), fence: try buffer.wireRead(UInt64.self, "fence"))
    }
}

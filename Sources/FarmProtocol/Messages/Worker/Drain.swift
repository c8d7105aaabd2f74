import NIOCore

/// Finish the batch in hand and take no more work (docs/protocol.md, "drain"): string reason.
public struct Drain: WireMessage {
    public static let rawID = CoordinatorToWorkerMessageID.drain.rawValue
    public var reason: String
    public init(reason: String) { self.reason = reason }
    public func encode(into buffer: inout ByteBuffer) { buffer.wireWriteString(reason) }
    public static func decode(from buffer: inout ByteBuffer) throws -> Drain {
        Drain(reason: try buffer.wireReadString("reason", limit: 4096))
    }
}

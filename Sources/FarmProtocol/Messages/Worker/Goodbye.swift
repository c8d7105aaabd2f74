import NIOCore

/// The worker leaves (docs/protocol.md, "goodbye"): string reason.
public struct Goodbye: WireMessage {
    public static let rawID = WorkerMessageID.goodbye.rawValue
    public var reason: String
    public init(reason: String) { self.reason = reason }
    public func encode(into buffer: inout ByteBuffer) { buffer.wireWriteString(reason) }
    public static func decode(from buffer: inout ByteBuffer) throws -> Goodbye {
        Goodbye(reason: try buffer.wireReadString("reason", limit: 4096))
    }
}

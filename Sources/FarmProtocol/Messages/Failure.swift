import NIOCore

/// An item failed on the worker (docs/protocol.md, "failure"):
/// u64 item id, u32 attempt, u64 fence, u8 retryable, u8 kind, string reason.
public struct Failure: WireMessage {
    public static let rawID = WorkerMessageID.failure.rawValue
    /// What went wrong; out-of-memory is its own kind (retry with a smaller batch).
    public enum Kind: UInt8, Sendable { case engine = 0, outOfMemory = 1, modelMissing = 2, badInput = 3, cancelled = 4 }
    public var itemID: UInt64
    public var attempt: UInt32
    public var fence: UInt64
    public var retryable: Bool
    public var kind: Kind
    public var reason: String

    public init(itemID: UInt64, attempt: UInt32, fence: UInt64, retryable: Bool, kind: Kind, reason: String) {
        self.itemID = itemID; self.attempt = attempt; self.fence = fence
        self.retryable = retryable; self.kind = kind; self.reason = reason
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(itemID); buffer.writeInteger(attempt); buffer.writeInteger(fence)
        buffer.wireWriteBool(retryable); buffer.writeInteger(kind.rawValue); buffer.wireWriteString(reason)
    }

    public static func decode(from buffer: inout ByteBuffer) throws -> Failure {
        let item = try buffer.wireRead(UInt64.self, "item id")
        let attempt = try buffer.wireRead(UInt32.self, "attempt")
        let fence = try buffer.wireRead(UInt64.self, "fence")
        let retryable = try buffer.wireReadBool("retryable")
        let k = try buffer.wireRead(UInt8.self, "kind")
        guard let kind = Kind(rawValue: k) else { throw ProtocolError.invalidValue(field: "kind", value: Int(k)) }
        let reason = try buffer.wireReadString("reason")
        return Failure(itemID: item, attempt: attempt, fence: fence, retryable: retryable, kind: kind, reason: reason)
    }
}

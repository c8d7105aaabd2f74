import NIOCore

/// An item failed on the worker (docs/protocol.md, "failure"):
/// u64 item id, u64 fence, bool retryable, u8 kind, string reason (≤ 4 KiB).
public struct Failure: WireMessage {
    public static let rawID = WorkerMessageID.failure.rawValue
    /// What went wrong; out-of-memory is its own kind (retry with a smaller batch).
    public enum Kind: UInt8, Sendable { case engine = 0, outOfMemory = 1, modelMissing = 2, badInput = 3, cancelled = 4 }
    public static let maxReason = 4096
    public var itemID: Int64
    public var fence: Int64
    public var retryable: Bool
    public var kind: Kind
    public var reason: String

    public init(itemID: Int64, fence: Int64, retryable: Bool, kind: Kind, reason: String) {
        self.itemID = itemID; self.fence = fence
        self.retryable = retryable; self.kind = kind
        var r = reason
        while r.utf8.count > Self.maxReason { r.removeLast() }
        self.reason = r
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.wireWriteID(itemID); buffer.writeInteger(UInt64(fence))
        buffer.wireWriteBool(retryable); buffer.writeInteger(kind.rawValue); buffer.wireWriteString(reason)
    }

    public static func decode(from buffer: inout ByteBuffer) throws -> Failure {
        let item = try buffer.wireReadID("item id")
        let fence = try buffer.wireReadUInt63("fence")
        let retryable = try buffer.wireReadBool("retryable")
        let k = try buffer.wireRead(UInt8.self, "kind")
        guard let kind = Kind(rawValue: k) else { throw ProtocolError.invalidValue(field: "kind", value: Int(k)) }
        let reason = try buffer.wireReadString("reason", limit: maxReason)
        return Failure(itemID: item, fence: fence, retryable: retryable, kind: kind, reason: reason)
    }
}

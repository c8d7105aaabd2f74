import NIOCore

/// Items failed on the worker (docs/protocol.md, "failure"): u64 item id, u64 fence, bool
/// retryable, u8 kind (`RenderFailure.Kind`), string reason (≤ 4 KiB). `retryable` is false
/// exactly for `invalidRequest`; a peer that sends false with another kind means the same.
public struct Failure: WireMessage {
    public static let rawID = WorkerMessageID.failure.rawValue
    public static let maxReason = 4096
    public var itemID: Int64
    public var fence: Int64
    public var failure: RenderFailure

    public init(itemID: Int64, fence: Int64, failure: RenderFailure) {
        self.itemID = itemID
        self.fence = fence
        var reason = failure.message
        while reason.utf8.count > Self.maxReason { reason.removeLast() }
        self.failure = RenderFailure(failure.kind, reason)
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.wireWriteID(itemID)
        buffer.writeInteger(UInt64(fence))
        buffer.wireWriteBool(failure.retryable)
        buffer.writeInteger(failure.kind.rawValue)
        buffer.wireWriteString(failure.message)
    }

    public static func decode(from buffer: inout ByteBuffer) throws -> Failure {
        let item = try buffer.wireReadID("item id")
        let fence = try buffer.wireReadUInt63("fence")
        let retryable = try buffer.wireReadBool("retryable")
        let k = try buffer.wireRead(UInt8.self, "kind")
        guard let kind = RenderFailure.Kind(rawValue: k) else {
            throw ProtocolError.invalidValue(field: "kind", value: Int(k))
        }
        let reason = try buffer.wireReadString("reason", limit: maxReason)
        return Failure(
            itemID: item, fence: fence, failure: RenderFailure(retryable ? kind : .invalidRequest, reason))
    }
}

import NIOCore

/// The coordinator's answer to a result it did not refuse (docs/protocol.md, "result-ack"):
/// u64 item id, u64 fence, then — only when the result was not stored — u8 status
/// (1 = retry later), u32 retry-after ms, string reason (≤ 4 KiB). The short form (16 bytes)
/// means stored: drop it from the outbox. Retry later means keep it and send it again after
/// the delay (the coordinator's job store or result disk cannot take it now; its lease is
/// kept alive meanwhile).
public struct ResultAck: WireMessage {
    public static let rawID = CoordinatorToWorkerMessageID.resultAck.rawValue

    public enum Status: Sendable, Equatable {
        /// Stored: the worker drops the result from its outbox.
        case stored
        /// Not stored now: keep it and send it again after `afterMS` milliseconds.
        case retryLater(afterMS: UInt32, reason: String)
    }

    public var itemID: Int64
    public var fence: Int64
    public var status: Status

    public init(itemID: Int64, fence: Int64, status: Status = .stored) {
        self.itemID = itemID
        self.fence = fence
        if case .retryLater(let ms, var reason) = status {
            while reason.utf8.count > 4096 { reason.removeLast() }
            self.status = .retryLater(afterMS: ms, reason: reason)
        } else {
            self.status = status
        }
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.wireWriteID(itemID)
        buffer.writeInteger(UInt64(fence))
        if case .retryLater(let ms, let reason) = status {
            buffer.writeInteger(UInt8(1))
            buffer.writeInteger(ms)
            buffer.wireWriteString(reason)
        }
    }

    public static func decode(from buffer: inout ByteBuffer) throws -> ResultAck {
        let item = try buffer.wireReadID("item id")
        let fence = try buffer.wireReadUInt63("fence")
        guard buffer.readableBytes > 0 else { return ResultAck(itemID: item, fence: fence) }
        let status = try buffer.wireRead(UInt8.self, "status")
        guard status == 1 else {
            throw ProtocolError.invalidValue(field: "result-ack status", value: Int(status))
        }
        let ms = try buffer.wireRead(UInt32.self, "retry after ms")
        let reason = try buffer.wireReadString("reason", limit: 4096)
        return ResultAck(itemID: item, fence: fence, status: .retryLater(afterMS: ms, reason: reason))
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
    public func encode(into buffer: inout ByteBuffer) {
        buffer.wireWriteID(itemID); buffer.writeInteger(UInt64(fence)); buffer.wireWriteString(reason)
    }
    public static func decode(from buffer: inout ByteBuffer) throws -> ResultRefused {
        ResultRefused(
            itemID: try buffer.wireReadID("item id"), fence: try buffer.wireReadUInt63("fence"),
            reason: try buffer.wireReadString("reason", limit: 4096))
    }
}

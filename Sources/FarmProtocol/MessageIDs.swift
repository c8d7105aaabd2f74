/// A message body that knows its id and its wire form (docs/protocol.md, "Messages").
public protocol WireMessage: Equatable, Sendable {
    /// The raw id carried in the frame header.
    static var rawID: UInt16 { get }
    func encode(into buffer: inout ByteBuffer)
    /// Decodes the whole frame body; bytes left over are an error.
    static func decode(from buffer: inout ByteBuffer) throws -> Self
}

import NIOCore

extension WireMessage {
    /// Wraps the message in a frame.
    public func frame() -> Frame {
        var b = ByteBuffer()
        encode(into: &b)
        return Frame(messageID: Self.rawID, body: b)
    }

    /// Decodes `frame` as this message, checking the id and that the body is consumed.
    public static func decode(frame: Frame) throws -> Self {
        guard frame.messageID == rawID else { throw ProtocolError.unknownMessage(id: frame.messageID) }
        var body = frame.body
        let m = try decode(from: &body)
        try body.wireExpectEnd(String(describing: Self.self))
        return m
    }
}

/// Messages a worker sends to the coordinator (docs/protocol.md, "Worker messages").
public enum WorkerMessageID: UInt16, Sendable {
    /// Capabilities after authentication.
    case hello = 0x0101
    /// Liveness; renews the worker's leases.
    case heartbeat = 0x0102
    /// Asks for up to N items.
    case credit = 0x0103
    /// An item failed.
    case failure = 0x0107
    /// The worker leaves.
    case goodbye = 0x010F
}

/// Messages the coordinator sends to a worker (docs/protocol.md, "Coordinator → worker").
public enum CoordinatorToWorkerMessageID: UInt16, Sendable {
    /// Stop working on an item.
    /// Acknowledges a stored result; the worker may drop it from its outbox.
    case resultAck = 0x0203
    /// Stop working on an item.
    case cancel = 0x0204
    /// Finish the batch in hand, take no more work.
    case drain = 0x0205
}

import NIOCore

/// One frame: a message id and its body (docs/protocol.md, "Frame").
/// On the wire: u32 big-endian payload length (id + body), u16 message id, body.
public struct Frame: Equatable, Sendable {
    public var messageID: UInt16
    public var body: ByteBuffer

    public init(messageID: UInt16, body: ByteBuffer) {
        self.messageID = messageID
        self.body = body
    }
}

import NIOCore

/// The channel pipeline every farm connection uses (docs/protocol.md, "Frame" and
/// "Timeouts"): an idle timer that closes a silent connection, the frame decoder and encoder,
/// wrapped as an async channel of `Frame`s.
public enum FrameChannel {
    public typealias Async = NIOAsyncChannel<Frame, Frame>

    /// `idle`: close the connection when nothing was read for that long (`readOnly`), or
    /// nothing read and nothing written (otherwise: a server whose watch stream keeps writing
    /// keeps the connection).
    public static func configure(_ channel: Channel, idle: TimeAmount, readOnly: Bool) -> EventLoopFuture<Async> {
        channel.eventLoop.makeCompletedFuture {
            let ops = channel.pipeline.syncOperations
            if readOnly {
                try ops.addHandler(IdleStateHandler(readTimeout: idle))
            } else {
                try ops.addHandler(IdleStateHandler(allTimeout: idle))
            }
            try ops.addHandler(IdleCloser())
            try ops.addHandler(ByteToMessageHandler(FrameDecoder()))
            try ops.addHandler(MessageToByteHandler(FrameEncoder()))
            return try Async(wrappingChannelSynchronously: channel)
        }
    }
}

/// Turns the idle timer's event into an error on the inbound stream and a closed connection.
final class IdleCloser: ChannelInboundHandler, Sendable {
    typealias InboundIn = NIOAny

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.fireErrorCaught(ConnectionTimeout())
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}

/// The peer was silent for longer than the connection's idle limit.
public struct ConnectionTimeout: Error, CustomStringConvertible, Sendable {
    public init() {}
    public var description: String { "the peer was silent for too long (connection timed out)" }
}

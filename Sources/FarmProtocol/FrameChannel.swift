import NIOCore

/// The channel pipeline every farm connection uses (docs/protocol.md, "Frame" and
/// "Timeouts"): the frame decoder and encoder, then an idle timer over whole frames that
/// closes a silent connection, wrapped as an async channel of `Frame`s.
public enum FrameChannel {
    public typealias Async = NIOAsyncChannel<Frame, Frame>

    /// `idle`: close the connection when no whole frame was read for that long (`readOnly`),
    /// or no frame read and none written (otherwise: a server whose watch stream keeps writing
    /// keeps the connection). `limit`: the decoder's frame limit; a server passes
    /// `FrameLimit.beforeAuthentication()` and raises it after the handshake (the limit is
    /// found again with `frameLimit(of:)`); nil: the fixed 16 MiB limit.
    public static func configure(
        _ channel: Channel, idle: TimeAmount, readOnly: Bool, limit: FrameLimit? = nil
    ) -> EventLoopFuture<Async> {
        channel.eventLoop.makeCompletedFuture {
            let ops = channel.pipeline.syncOperations
            if let limit {
                try ops.addHandler(FrameLimitHolder(limit))
                try ops.addHandler(ByteToMessageHandler(FrameDecoder(limit: limit)))
            } else {
                try ops.addHandler(ByteToMessageHandler(FrameDecoder()))
            }
            try ops.addHandler(MessageToByteHandler(FrameEncoder()))
            // After the decoder: the timer counts whole frames, not bytes. A peer that sends
            // part of a frame and then trickles (or a frame whose length was damaged in
            // transit) is silent as far as the protocol goes, and is closed like one.
            if readOnly {
                try ops.addHandler(IdleStateHandler(readTimeout: idle))
            } else {
                try ops.addHandler(IdleStateHandler(allTimeout: idle))
            }
            try ops.addHandler(IdleCloser())
            return try Async(wrappingChannelSynchronously: channel)
        }
    }

    /// The frame limit `configure` was given for this channel, if any.
    public static func frameLimit(of channel: Channel) async -> FrameLimit? {
        try? await channel.pipeline.handler(type: FrameLimitHolder.self).map(\.limit).get()
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

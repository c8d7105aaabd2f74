import Foundation
import NIOCore
import NIOPosix

typealias WireAsyncChannel = NIOAsyncChannel<ByteBuffer, ByteBuffer>

/// INTERIM WIRE plumbing: the channel pipeline (frame decoder and encoder) and a reader and
/// writer of `WireMessage`s over it.
enum WireChannel {
    static func configure(_ channel: Channel) -> EventLoopFuture<WireAsyncChannel> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(WireFrameDecoder()))
            try channel.pipeline.syncOperations.addHandler(MessageToByteHandler(WireFrameEncoder()))
            return try WireAsyncChannel(wrappingChannelSynchronously: channel)
        }
    }

    static func connect(host: String, port: Int, group: EventLoopGroup) async throws -> WireAsyncChannel {
        try await ClientBootstrap(group: group)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(.seconds(10))
            .connect(host: host, port: port) { configure($0) }
    }
}

/// Reads messages from a channel's inbound stream.
struct WireReader {
    var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator

    /// The next message; nil when the peer closed.
    mutating func next() async throws -> WireMessage? {
        guard let frame = try await iterator.next() else { return nil }
        return try WireMessage.decode(frame.readableBytesView)
    }

    /// The next message, which must exist.
    mutating func expect(_ what: String) async throws -> WireMessage {
        guard let message = try await next() else { throw WireError("connection closed while waiting for \(what)") }
        return message
    }
}

extension NIOAsyncChannelOutboundWriter<ByteBuffer> {
    func send(_ message: WireMessage) async throws {
        try await write(ByteBuffer(bytes: try message.encoded()))
    }
}

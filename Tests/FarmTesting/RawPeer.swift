import FarmProtocol
import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// A TCP peer that speaks raw bytes to the coordinator and records everything it receives:
/// for tests that must see exactly what a hostile or half-done peer is sent.
final class RawPeer: Sendable {
    let channel: Channel
    private let received: ReceivedBytes

    private init(channel: Channel, received: ReceivedBytes) {
        self.channel = channel
        self.received = received
    }

    static func connect(port: Int) async throws -> RawPeer {
        let received = ReceivedBytes()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Collect(into: received))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return RawPeer(channel: channel, received: received)
    }

    func send(_ bytes: ByteBuffer) async throws { try await channel.writeAndFlush(bytes) }

    func send(_ frames: Frame...) async throws {
        var b = ByteBuffer()
        for f in frames { FrameEncoder.write(f, into: &b) }
        try await send(b)
    }

    /// Every byte received so far.
    var bytes: [UInt8] { received.value.withLock { $0 } }

    /// The whole frames received so far (a partial one at the end is left out).
    var frames: [Frame] {
        var b = ByteBuffer(bytes: bytes)
        var out: [Frame] = []
        while let f = try? FrameDecoder.parse(&b) { out.append(f) }
        return out
    }

    /// Whether the coordinator closed the connection within `seconds`.
    func closed(within seconds: Double) async -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while channel.isActive, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        return !channel.isActive
    }

    /// Waits up to `seconds` for at least `count` whole frames.
    func frames(_ count: Int, within seconds: Double) async -> [Frame] {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while frames.count < count, channel.isActive, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        return frames
    }

    func close() async { try? await channel.close() }
}

private final class ReceivedBytes: Sendable {
    let value = Mutex<[UInt8]>([])
}

private final class Collect: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    let into: ReceivedBytes
    init(into: ReceivedBytes) { self.into = into }
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = Self.unwrapInboundIn(data).readableBytesView
        into.value.withLock { $0 += bytes }
    }
}

extension Array where Element == UInt8 {
    /// Whether `run` occurs anywhere in these bytes.
    func contains(run: [UInt8]) -> Bool {
        guard !run.isEmpty, count >= run.count else { return run.isEmpty }
        for start in 0...(count - run.count) where self[start..<start + run.count].elementsEqual(run) {
            return true
        }
        return false
    }
}

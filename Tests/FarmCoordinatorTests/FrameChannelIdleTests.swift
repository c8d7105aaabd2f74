import FarmProtocol
import Foundation
import NIOCore
import NIOPosix
import Testing

@testable import FarmTesting

/// The idle timer counts whole frames (found by scripts/chaos: a bit flipped in a frame's
/// length left a worker waiting forever for bytes that never came, while the heartbeat acks
/// behind it kept the byte-level timer happy).
@Suite("Protocol: idle connections")
struct FrameChannelIdleTests {
    @Test func aPeerTricklingBytesOfAFrameThatNeverEndsIsClosedAsIdle() async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0) { channel in
                FrameChannel.configure(channel, idle: .seconds(1), readOnly: true)
            }
        let port = try #require(server.channel.localAddress?.port)
        let accepting = Task {
            try await server.executeThenClose { inbound in
                for try await connection in inbound {
                    Task {
                        try? await connection.executeThenClose { frames, _ in for try await _ in frames {} }
                    }
                }
            }
        }
        defer { accepting.cancel() }
        let peer = try await RawPeer.connect(port: port)
        // A frame that declares 1000 bytes, then one byte every 50 ms: bytes keep coming, a
        // frame never does.
        var header = ByteBuffer()
        header.writeInteger(UInt32(1000))
        // (A send that fails means the connection is already closed: what the test waits for.)
        try? await peer.send(header)
        let trickle = Task {
            for _ in 0..<200 {
                try? await peer.send(ByteBuffer(bytes: [0]))
                try? await Task.sleep(for: .milliseconds(50))
            }
        }
        defer { trickle.cancel() }
        // Bytes arrive every 50 ms for 10 s; the connection must close about 1 s in.
        #expect(await peer.closed(within: 6))
        await peer.close()
        try? await server.channel.close()
    }
}

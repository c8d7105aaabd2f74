import FarmClient
import FarmProtocol
import Foundation
import NIOCore
import NIOPosix
import Testing

@testable import FarmTesting

/// A worker or client takes only small frames from a peer that has not proven the token yet
/// (issue 13: the 16 MiB limit applied to an unproven coordinator too).
@Suite("Clients: frames before the coordinator's proof")
struct ClientPreProofLimitTests {
    /// A peer that answers any connection with the header of a 1 MiB frame, then waits.
    static func impostor() async throws -> (port: Int, stop: @Sendable () async -> Void) {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let port = server.channel.localAddress!.port!
        let accepting = Task {
            try await server.executeThenClose { inbound in
                for try await connection in inbound {
                    Task {
                        try? await connection.executeThenClose { _, outbound in
                            var header = ByteBuffer()
                            header.writeInteger(UInt32(1 << 20))
                            try await outbound.write(header)
                            try await Task.sleep(for: .seconds(30))
                        }
                    }
                }
            }
        }
        return (
            port,
            {
                accepting.cancel(); try? await server.channel.close()
            }
        )
    }

    @Test func aClientRefusesABigFrameFromAnUnprovenPeerAtOnce() async throws {
        let (port, stop) = try await Self.impostor()
        let started = ContinuousClock.now
        let error = await #expect(throws: FarmClientError.self) {
            try await FarmClient.with(host: "127.0.0.1", port: port, token: Array(repeating: 7, count: 32)) {
                _ in
            }
        }
        // Refused from the header, not after the 10 s handshake deadline.
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(
            error?.description.contains("exceeds the limit of \(WireLimits.maxPayloadBeforeServerProof)")
                == true, "\(String(describing: error))")
        await stop()
    }
}

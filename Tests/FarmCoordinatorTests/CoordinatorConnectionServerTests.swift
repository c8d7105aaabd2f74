import Logging
import NIOCore
import NIOPosix
import Testing

@testable import FarmCoordinator
@testable import FarmTesting

@Suite("Coordinator: connection server")
struct CoordinatorConnectionServerTests {
    /// Lines in, lines out: a peer that sends "bad" makes its handler throw.
    static func start(group: EventLoopGroup) async throws -> ConnectionServer<ByteBuffer, ByteBuffer> {
        try await ConnectionServer<ByteBuffer, ByteBuffer>.bind(
            host: "127.0.0.1", port: 0, group: group, logger: Logger(label: "test")
        ) { channel in
            channel.eventLoop.makeCompletedFuture {
                try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
            }
        }
    }

    struct Bad: Error {}

    static func echo(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async throws {
        try await connection.executeThenClose { inbound, outbound in
            for try await buffer in inbound {
                if String(buffer: buffer).contains("bad") { throw Bad() }
                try await outbound.write(buffer)
            }
        }
    }

    static func client(port: Int, group: EventLoopGroup) async throws -> NIOAsyncChannel<
        ByteBuffer, ByteBuffer
    > {
        try await ClientBootstrap(group: group).connect(host: "127.0.0.1", port: port) { channel in
            channel.eventLoop.makeCompletedFuture {
                try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
            }
        }
    }

    @Test func aFailingConnectionClosesAloneAndShutdownWaitsForTheRest() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let server = try await Self.start(group: group)
        let port = try #require(server.localAddress?.port)
        let running = Task { try await server.run(shutdownGrace: 5) { try await Self.echo($0) } }

        let good = try await Self.client(port: port, group: group)
        let bad = try await Self.client(port: port, group: group)
        try await good.executeThenClose { goodIn, goodOut in
            var goodIterator = goodIn.makeAsyncIterator()
            try await goodOut.write(ByteBuffer(string: "hello"))
            #expect(try await goodIterator.next().map { String(buffer: $0) } == "hello")

            // The bad peer's handler throws: its connection is closed…
            try await bad.executeThenClose { badIn, badOut in
                try await badOut.write(ByteBuffer(string: "bad"))
                var badIterator = badIn.makeAsyncIterator()
                #expect(try await badIterator.next() == nil)
            }
            // …and the good one still works.
            try await goodOut.write(ByteBuffer(string: "still here"))
            #expect(try await goodIterator.next().map { String(buffer: $0) } == "still here")

            // Shutdown stops accepting but waits for the open connection.
            await server.shutdown()
            try await goodOut.write(ByteBuffer(string: "after shutdown"))
            #expect(try await goodIterator.next().map { String(buffer: $0) } == "after shutdown")
        }
        try await running.value
        try await group.shutdownGracefully()
    }
}

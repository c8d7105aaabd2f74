import Logging
import NIOCore
import NIOPosix
import Synchronization

/// A TCP listener whose every connection is a child task that catches its own errors: one bad
/// peer never takes the daemon down. Generic over what the channel pipeline turns bytes into
/// (the farm protocol's frame codec), so the listener knows nothing of the protocol.
///
/// `run` returns after `shutdown()` once every connection has ended (or `shutdownGrace`
/// seconds later, when the remaining ones are cancelled).
public final class ConnectionServer<Inbound: Sendable, Outbound: Sendable>: Sendable {
    public typealias Configure = @Sendable (Channel) -> EventLoopFuture<NIOAsyncChannel<Inbound, Outbound>>
    public typealias Handle = @Sendable (NIOAsyncChannel<Inbound, Outbound>) async throws -> Void

    private let server: NIOAsyncChannel<NIOAsyncChannel<Inbound, Outbound>, Never>
    private let logger: Logger

    /// The bound address (useful when asked for port 0).
    public var localAddress: SocketAddress? { server.channel.localAddress }

    private init(server: NIOAsyncChannel<NIOAsyncChannel<Inbound, Outbound>, Never>, logger: Logger) {
        self.server = server
        self.logger = logger
    }

    public static func bind(
        host: String, port: Int, group: EventLoopGroup, logger: Logger, configure: @escaping Configure
    ) async throws -> ConnectionServer {
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: false)
            .bind(host: host, port: port) { channel in configure(channel) }
        return ConnectionServer(server: server, logger: logger)
    }

    /// Accepts connections until `shutdown()`, each handled by `handle` in its own task.
    public func run(shutdownGrace: Double = 30, handle: @escaping Handle) async throws {
        let logger = self.logger
        let open = OpenConnections()
        try await withThrowingDiscardingTaskGroup { group in
            try await server.executeThenClose { inbound in
                for try await connection in inbound {
                    open.add()
                    group.addTask {
                        defer { open.remove() }
                        let peer = connection.channel.remoteAddress.map { "\($0)" } ?? "?"
                        do {
                            try await handle(connection)
                        } catch is CancellationError {
                        } catch {
                            logger.info(
                                "connection closed", metadata: ["peer": "\(peer)", "reason": "\(error)"])
                        }
                        try? await connection.channel.close()
                    }
                }
            }
            // Listener closed: open connections get their grace, then what remains is cancelled.
            let deadline = ContinuousClock.now + .milliseconds(Int(shutdownGrace * 1000))
            while open.count > 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            if open.count > 0 { throw ShutdownGraceElapsed() }
        }
    }

    /// Stops accepting; `run` then waits for the open connections.
    public func shutdown() async {
        try? await server.channel.close()
    }
}

/// How many connections are open (a lock, not an actor: counted from non-async code paths).
final class OpenConnections: Sendable {
    private let value = Mutex(0)
    func add() { value.withLock { $0 += 1 } }
    func remove() { value.withLock { $0 -= 1 } }
    var count: Int { value.withLock { $0 } }
}

/// The grace period after shutdown ran out with connections still open.
public struct ShutdownGraceElapsed: Error, CustomStringConvertible {
    public var description: String { "shutdown grace elapsed; remaining connections were cancelled" }
}

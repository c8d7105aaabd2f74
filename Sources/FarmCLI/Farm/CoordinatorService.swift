import FarmClient
import FarmCoordinator
import FarmProtocol
import Foundation
import Logging
import NIOCore
import NIOPosix

/// The coordinator as `sdfarm coordinator` and `sdfarm demo` run it: the daemon (job store,
/// result store, housekeeping, metrics), a bound listener and the farm protocol session.
/// `bind` takes the port first and creates nothing; `start` then opens the daemon (so a
/// coordinator that cannot listen leaves no token, database or result folder behind);
/// `serve` runs until `shutdown` yields and then shuts down gracefully.
struct CoordinatorService: Sendable {
    let daemon: CoordinatorDaemon
    let port: Int
    private let listener: ConnectionServer<Frame, Frame>
    private let server: FarmServer

    /// The listening socket, before anything is written to disk.
    static func bind(_ listen: HostPort, logger: Logger) async throws -> ConnectionServer<Frame, Frame> {
        do {
            return try await FarmServer.bind(
                host: listen.host, port: listen.port, group: MultiThreadedEventLoopGroup.singleton,
                logger: logger)
        } catch {
            throw CLIError(
                "cannot listen on \(listen): \(ConnectErrorText.describe(error)) (another coordinator there? pick another with --listen HOST:PORT)"
            )
        }
    }

    /// Opens the daemon behind an already bound listener; closes the listener if that fails.
    static func start(
        _ options: CoordinatorOptions, listener: ConnectionServer<Frame, Frame>, workerToken: [UInt8],
        clientToken: [UInt8], logger: Logger
    ) async throws -> CoordinatorService {
        let daemon: CoordinatorDaemon
        do {
            daemon = try await CoordinatorDaemon.open(options, logger: logger)
        } catch {
            await listener.shutdown()
            throw error
        }
        let server = FarmServer(
            core: daemon.core, workerToken: workerToken, clientToken: clientToken, logger: logger,
            limits: options.connections)
        return CoordinatorService(
            daemon: daemon, port: listener.localAddress?.port ?? 0, listener: listener, server: server)
    }

    static func start(
        _ options: CoordinatorOptions, listen: HostPort, workerToken: [UInt8], clientToken: [UInt8],
        logger: Logger
    ) async throws -> CoordinatorService {
        let listener = try await bind(listen, logger: logger)
        return try await start(
            options, listener: listener, workerToken: workerToken, clientToken: clientToken, logger: logger)
    }

    func serve(shutdown: AsyncStream<Void>) async throws {
        let server = self.server
        try await daemon.run(
            listener: listener, group: MultiThreadedEventLoopGroup.singleton, shutdown: shutdown
        ) {
            try await server.handle($0)
        }
    }
}

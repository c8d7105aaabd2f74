import FarmCoordinator
import FarmProtocol
import Foundation
import Logging
import NIOCore
import NIOPosix

/// The coordinator as `sdfarm coordinator` and `sdfarm demo` run it: the daemon (job store,
/// result store, housekeeping, metrics), a bound listener and the farm protocol session.
/// `start` opens and binds (so the port is known, also when 0 was asked for); `serve` runs
/// until `shutdown` yields and then shuts down gracefully.
struct CoordinatorService: Sendable {
    let daemon: CoordinatorDaemon
    let port: Int
    private let listener: ConnectionServer<Frame, Frame>
    private let server: FarmServer

    static func start(
        _ options: CoordinatorOptions, listen: HostPort, workerToken: [UInt8], clientToken: [UInt8], logger: Logger
    ) async throws -> CoordinatorService {
        let daemon = try await CoordinatorDaemon.open(options, logger: logger)
        let listener: ConnectionServer<Frame, Frame>
        do {
            listener = try await FarmServer.bind(host: listen.host, port: listen.port, group: MultiThreadedEventLoopGroup.singleton, logger: logger)
        } catch {
            await daemon.store.close()
            throw CLIError("cannot listen on \(listen): \(error)")
        }
        let server = FarmServer(core: daemon.core, workerToken: workerToken, clientToken: clientToken, logger: logger, limits: options.connections)
        return CoordinatorService(daemon: daemon, port: listener.localAddress?.port ?? listen.port, listener: listener, server: server)
    }

    func serve(shutdown: AsyncStream<Void>) async throws {
        let server = self.server
        try await daemon.run(listener: listener, group: MultiThreadedEventLoopGroup.singleton, shutdown: shutdown) {
            try await server.handle($0)
        }
    }
}

import FarmCoordinator
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
    private let listener: ConnectionServer<ByteBuffer, ByteBuffer>
    private let session: CoordinatorWireSession

    static func start(
        _ options: CoordinatorOptions, listen: HostPort, workerToken: [UInt8], clientToken: [UInt8], logger: Logger
    ) async throws -> CoordinatorService {
        let daemon = try await CoordinatorDaemon.open(options, logger: logger)
        let listener: ConnectionServer<ByteBuffer, ByteBuffer>
        do {
            listener = try await ConnectionServer<ByteBuffer, ByteBuffer>.bind(
                host: listen.host, port: listen.port, group: MultiThreadedEventLoopGroup.singleton, logger: logger,
                configure: WireChannel.configure)
        } catch {
            await daemon.store.close()
            throw CLIError("cannot listen on \(listen): \(error)")
        }
        let session = CoordinatorWireSession(core: daemon.core, workerToken: workerToken, clientToken: clientToken, logger: logger)
        return CoordinatorService(daemon: daemon, port: listener.localAddress?.port ?? listen.port, listener: listener, session: session)
    }

    func serve(shutdown: AsyncStream<Void>) async throws {
        let session = self.session
        try await daemon.run(listener: listener, group: MultiThreadedEventLoopGroup.singleton, shutdown: shutdown) {
            try await session.handle($0)
        }
    }
}

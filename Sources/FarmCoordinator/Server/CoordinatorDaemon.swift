import FarmStore
import Foundation
import Logging
import NIOCore
import NIOPosix

/// Where the coordinator keeps things and listens.
public struct CoordinatorOptions: Sendable {
    public var dataDirectory = "./sdfarm-data"
    /// A `postgres://` URL or a SQLite path; nil: `SDFARM_DATABASE_URL`, then
    /// `<data>/sdfarm.sqlite`.
    public var database: String?
    public var metricsHost: String?
    public var metricsPort = 9464
    public var tickInterval: Duration = .seconds(1)
    public var shutdownGrace: Double = 10
    /// How long start-up waits for a database that refuses connections, seconds.
    public var storeConnectWait: Double = 120
    public var config = CoordinatorConfig()
    /// Connection caps, handshake rate and buffered submissions (`FarmServer`).
    public var connections = ConnectionLimits()

    public init() {}
}

/// The coordinator process without its wire protocol: opens the job store and the result
/// store, runs the core's housekeeping every second and the metrics endpoint, and on
/// shutdown stops the listener, drains the workers and closes the store. The listener (the
/// farm protocol over a `ConnectionServer`) is passed to `run`.
public final class CoordinatorDaemon: Sendable {
    public let core: CoordinatorCore
    public let store: any JobStore
    public let options: CoordinatorOptions
    let logger: Logger

    private init(core: CoordinatorCore, store: any JobStore, options: CoordinatorOptions, logger: Logger) {
        self.core = core
        self.store = store
        self.options = options
        self.logger = logger
    }

    public static func open(
        _ options: CoordinatorOptions, clock: any FarmClock = SystemFarmClock(), logger: Logger
    ) async throws -> CoordinatorDaemon {
        let location = try StoreLocation.resolve(options.database, dataDirectory: options.dataDirectory)
        let store = try await StoreOpening.open(location, wait: options.storeConnectWait, logger: logger)
        let results: ResultStore
        do {
            results = try ResultStore(dataDirectory: options.dataDirectory)
        } catch {
            await store.close()
            throw error
        }
        let core = CoordinatorCore(
            store: store, results: results, clock: clock, config: options.config, logger: logger)
        return CoordinatorDaemon(core: core, store: store, options: options, logger: logger)
    }

    /// Serves until `shutdown` yields, then shuts down gracefully.
    public func run<Inbound: Sendable, Outbound: Sendable>(
        listener: ConnectionServer<Inbound, Outbound>, group: EventLoopGroup,
        shutdown: AsyncStream<Void>, handle: @escaping ConnectionServer<Inbound, Outbound>.Handle
    ) async throws {
        let core = self.core
        let interval = options.tickInterval
        let ticks = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                await core.tick()
            }
        }
        var metrics: MetricsServer?
        if let host = options.metricsHost {
            metrics = try await MetricsServer.start(host: host, port: options.metricsPort, group: group) {
                PrometheusText.render(await core.metrics())
            }
            logger.info("metrics at http://\(host):\(options.metricsPort)/metrics")
        }
        let logger = self.logger
        let watcher = Task {
            for await _ in shutdown {
                // Workers are disconnected, not drained: they keep finished results in their
                // outboxes and reconnect to the next coordinator on their own.
                logger.info("shutting down: no new connections; disconnecting workers")
                await listener.shutdown()
                await core.disconnectAll(reason: "coordinator shutting down")
                break
            }
        }
        do {
            try await listener.run(shutdownGrace: options.shutdownGrace, handle: handle)
        } catch let error as ShutdownGraceElapsed {
            logger.warning("\(error)")
        }
        watcher.cancel()
        ticks.cancel()
        await ticks.value
        await metrics?.stop()
        await store.close()
    }
}

import ArgumentParser
import FarmCoordinator
import Foundation
import Logging
import NIOCore
import NIOPosix

/// `sdfarm coordinator`: the farm's daemon.
struct CoordinatorSubcommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coordinator",
        abstract: "Run the coordinator: accept workers and clients, dispatch jobs, store results.")

    @Option(help: "Where workers and clients connect.") var listen = HostPort.defaultCoordinator
    @Option(
        help:
            "Job store: a postgres:// URL or a SQLite file (default: $SDFARM_DATABASE_URL, then DATA/sdfarm.sqlite)."
    )
    var database: String?
    @Option(help: "Data directory: results, the default SQLite database and token.") var data =
        "./sdfarm-data"
    @Option(
        name: .customLong("token-file"),
        help: "Shared token for workers and clients (default: DATA/token, created if missing).")
    var tokenFile: String?
    @Option(name: .customLong("worker-token-file"), help: "A separate token for workers.")
    var workerTokenFile: String?
    @Option(name: .customLong("client-token-file"), help: "A separate token for clients.")
    var clientTokenFile: String?
    @Option(help: "Serve Prometheus metrics at http://HOST:PORT/metrics.") var metrics: HostPort?
    @OptionGroup var limits: ConnectionLimitOptions
    @Option(
        name: .customLong("min-free-space"),
        help:
            "Free bytes to keep on the result disk (K/M/G/T suffixes, powers of 1024); below it no new work is handed out and workers keep their results until space returns."
    )
    var minFreeSpace = ByteCount(1 << 30)

    func run() async throws {
        var logger = Logger(label: "sdfarm.coordinator")
        logger.logLevel = .info
        // The port first: a coordinator that cannot listen creates nothing.
        let listener = try await CoordinatorService.bind(listen, logger: logger)
        let service: CoordinatorService
        do {
            if let warning = try CoordinatorData.makePrivate(data) { say(warning) }
            let tokenPath = tokenFile ?? (data as NSString).appendingPathComponent("token")
            let (shared, created) = try TokenFile.readOrCreate(tokenPath)
            if created { say("created token file \(tokenPath) (copy it to workers and clients)") }
            let workerToken = try workerTokenFile.map(TokenFile.read) ?? shared
            let clientToken = try clientTokenFile.map(TokenFile.read) ?? shared

            var options = CoordinatorOptions()
            options.dataDirectory = data
            options.database = database
            options.metricsHost = metrics?.host
            options.metricsPort = metrics?.port ?? 0
            options.config.minFreeSpace = minFreeSpace.bytes
            options.connections = limits.apply(to: options.connections)
            service = try await CoordinatorService.start(
                options, listener: listener, workerToken: workerToken, clientToken: clientToken,
                logger: logger)
        } catch {
            await listener.shutdown()
            throw error
        }
        say("sdfarm coordinator listening on \(listen.host):\(service.port), data in \(data)")
        let signals = ShutdownSignals()
        let (shutdown, trigger) = AsyncStream.makeStream(of: Void.self)
        let signalTask = Task {
            var seen = 0
            for await _ in signals.signals {
                seen += 1
                if seen == 1 { trigger.yield() } else { Foundation.exit(130) }
            }
        }
        defer { signalTask.cancel() }
        try await service.serve(shutdown: shutdown)
        withExtendedLifetime(signals) {}
    }
}

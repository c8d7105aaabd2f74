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
    @Option(help: "Job store: a postgres:// URL or a SQLite file (default: $SDFARM_DATABASE_URL, then DATA/sdfarm.sqlite).")
    var database: String?
    @Option(help: "Data directory: results, the default SQLite database and token.") var data = "./sdfarm-data"
    @Option(name: .customLong("token-file"), help: "Shared token for workers and clients (default: DATA/token, created if missing).")
    var tokenFile: String?
    @Option(name: .customLong("worker-token-file"), help: "A separate token for workers.") var workerTokenFile: String?
    @Option(name: .customLong("client-token-file"), help: "A separate token for clients.") var clientTokenFile: String?
    @Option(help: "Serve Prometheus metrics at http://HOST:PORT/metrics.") var metrics: HostPort?
    @OptionGroup var limits: ConnectionLimitOptions

    func run() async throws {
        var logger = Logger(label: "sdfarm.coordinator")
        logger.logLevel = .info
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
        options.connections = limits.apply(to: options.connections)
        let service = try await CoordinatorService.start(
            options, listen: listen, workerToken: workerToken, clientToken: clientToken, logger: logger)
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

import ArgumentParser
import Diffusion
import FarmProtocol
import FarmWorker
import Foundation
import Logging
import NIOPosix

/// `sdfarm worker`: renders what the coordinator assigns.
struct WorkerSubcommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run a worker: connect to the coordinator, render batches, send results.")

    @Option(help: "The coordinator (default: $SDFARM_COORDINATOR, then 127.0.0.1:7878).") var coordinator:
        HostPort?
    @Option(
        name: .customLong("token-file"),
        help: "The worker token (default: $SDFARM_TOKEN_FILE, then ./sdfarm-data/token).")
    var tokenFile: String?
    @Option(help: "This worker's name, stable across restarts (default: the host name).") var name: String?
    @Option(help: "cpu (cuda:N is not available yet).") var device = DeviceOption.cpu
    @Option(help: "Directory of checkpoints (folders or .safetensors files).") var models = "./models"
    @Option(name: .customLong("max-batch"), help: "Most images per batch.") var maxBatch = 1
    @Option(help: "Threads for the engine.") var threads = ProcessInfo.processInfo.activeProcessorCount
    @Option(
        name: .customLong("max-memory"),
        help:
            "Memory the engine's tensors may hold, e.g. 12G (default: no limit). A batch above it is reported out of memory and the coordinator retries it smaller."
    )
    var maxMemory: ByteCount?
    @Option(help: "Where finished results wait until acknowledged (default: ./sdfarm-worker/NAME/outbox).")
    var outbox: String?
    @Flag(
        name: .customLong("synthetic-engine"),
        help: ArgumentHelp(
            "Return synthetic bytes instead of images (for testing the farm).", visibility: .hidden))
    var syntheticEngine = false
    @Option(
        name: .customLong("synthetic-step-ms"),
        help: ArgumentHelp("With --synthetic-engine: milliseconds per step.", visibility: .hidden))
    var syntheticStepMS = 0

    func validate() throws {
        if let refusal = device.refusal { throw ValidationError(refusal) }
        guard (1...64).contains(maxBatch) else { throw ValidationError("--max-batch must be 1 to 64") }
        guard (1...1024).contains(threads) else { throw ValidationError("--threads must be 1 to 1024") }
        guard (0...60_000).contains(syntheticStepMS) else {
            throw ValidationError("--synthetic-step-ms must be 0 to 60000")
        }
        if let maxMemory, maxMemory.bytes < 1 { throw ValidationError("--max-memory must be more than 0") }
    }

    func run() async throws {
        OpenBLASKernels.reexecWithBestKernelsIfNeeded()
        let logger = Logger(label: "sdfarm.worker")
        let workerName = name ?? ProcessInfo.processInfo.hostName
        let address =
            coordinator ?? ProcessInfo.processInfo.environment["SDFARM_COORDINATOR"].flatMap(
                HostPort.init(argument:)) ?? .defaultCoordinator
        let token = try TokenFile.read(tokenFile ?? TokenFile.defaultPath)
        let catalog: ModelCatalog
        do {
            catalog = try ModelCatalog.scan(directory: models)
        } catch {
            throw CLIError("\(error)")
        }
        let engine: any ImageEngine
        if syntheticEngine {
            engine =
                syntheticStepMS > 0
                ? PacedSyntheticEngine(stepDelay: .milliseconds(syntheticStepMS)) : SyntheticEngine()
        } else {
            engine = DiffusionEngineHost(
                catalog: catalog, threads: threads, memoryLimit: maxMemory.map { Int($0.bytes) })
        }
        let outboxPath = outbox ?? "./sdfarm-worker/\(workerName)/outbox"
        let agent = WorkerAgent(
            engine: engine, outbox: try ResultOutbox(directory: outboxPath), maxBatch: maxBatch,
            logger: logger)
        guard workerName.utf8.count <= WireLimits.maxName, !workerName.isEmpty else {
            throw CLIError("--name must be 1 to \(WireLimits.maxName) bytes")
        }
        let hello = Hello(
            name: workerName, device: device.name,
            memoryBytes: maxMemory.map { UInt64($0.bytes) } ?? ProcessInfo.processInfo.physicalMemory,
            threads: UInt16(threads), maxBatch: UInt16(maxBatch),
            models: catalog.models.prefix(WireLimits.maxModels).map {
                Hello.Model(
                    name: $0.name, sha256: Digest.bytes(hex: $0.sha256) ?? [UInt8](repeating: 0, count: 32))
            })
        let connector = CoordinatorConnector(
            host: address.host, port: address.port, token: token, hello: hello,
            group: MultiThreadedEventLoopGroup.singleton)
        say(
            "sdfarm worker \(workerName): \(catalog.models.count) models, batch \(maxBatch), coordinator \(address)"
        )
        let runner = WorkerRunner(agent: agent, logger: logger) { try await connector.connect() }
        let signals = ShutdownSignals()
        let signalTask = Task {
            var seen = 0
            for await _ in signals.signals {
                seen += 1
                if seen == 1 {
                    say("draining: finishing the batch in hand (signal again to quit now)")
                    await agent.drain()
                } else {
                    Foundation.exit(130)
                }
            }
        }
        defer { signalTask.cancel() }
        do {
            try await runner.run()
        } catch let fatal as FatalConnectionError {
            throw CLIError(fatal.description)
        }
        withExtendedLifetime(signals) {}
    }
}

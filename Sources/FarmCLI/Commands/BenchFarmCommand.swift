import ArgumentParser
import FarmCoordinator
import FarmProtocol
import FarmStore
import FarmWorker
import Foundation
import Logging
import NIOPosix

/// `sdfarm bench farm`: the dispatcher's throughput with many simulated workers on an engine
/// that returns at once — every claim, lease, result write (fsync and all) and completion is
/// real, over the real job store; only the engine is left out, and the network too unless
/// `--wire` (then every worker speaks the farm protocol over loopback TCP).
struct BenchFarmCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "farm",
        abstract:
            "Measure dispatch throughput and latency with simulated workers (no engine; in memory, or --wire over loopback TCP)."
    )

    @Option(help: "Simulated workers.") var workers = 16
    @Option(help: "Items in the job.") var items = 2000
    @Option(name: .customLong("max-batch"), help: "Each worker's batch size.") var maxBatch = 4
    @Option(help: "Job store URL (default: a SQLite file in a temporary directory).") var database: String?
    @Flag(help: "Connect the workers over the farm protocol on loopback TCP instead of in memory.") var wire =
        false

    func validate() throws {
        guard (1...1000).contains(workers) else { throw ValidationError("--workers must be 1 to 1000") }
        guard (1...1_000_000).contains(items) else { throw ValidationError("--items must be 1 to 1000000") }
        guard (1...64).contains(maxBatch) else { throw ValidationError("--max-batch must be 1 to 64") }
    }

    func run() async throws {
        let dir = NSTemporaryDirectory() + "sdfarm-bench-farm-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var quiet = Logger(label: "bench")
        quiet.logLevel = .critical
        let store = try await StoreLocation.resolve(database, dataDirectory: dir, environment: [:]).open()
        let core = CoordinatorCore(store: store, results: try ResultStore(dataDirectory: dir), logger: quiet)
        let key = RenderSettings(
            model: "bench", width: 512, height: 512, steps: 20, sampler: "euler", schedule: "default", cfg: 7)
        let caps = WorkerCapabilities(
            device: "cpu", memoryBytes: 1 << 30, threads: 1, maxBatch: maxBatch,
            models: [.init(name: "bench", sha256: String(repeating: "0", count: 64))])

        var loops: [Task<Void, Never>] = []
        var agents: [WorkerAgent] = []
        var server: ConnectionServer<Frame, Frame>?
        var serving: Task<Void, any Error>?
        if wire {
            let listener = try await FarmServer.bind(
                host: "127.0.0.1", port: 0, group: MultiThreadedEventLoopGroup.singleton, logger: quiet)
            let token = Array("bench-farm-token-0123456789abcdef".utf8)
            // Every simulated worker connects from 127.0.0.1 at once: room for all of them.
            var limits = ConnectionLimits()
            limits.maxConnections = max(limits.maxConnections, workers + 8)
            limits.maxConnectionsPerAddress = max(limits.maxConnectionsPerAddress, workers + 8)
            limits.handshakeBurst = max(limits.handshakeBurst, workers + 8)
            let handler = FarmServer(
                core: core, workerToken: token, clientToken: token, logger: quiet, limits: limits)
            serving = Task { try await listener.run(shutdownGrace: 5) { try await handler.handle($0) } }
            server = listener
            let port = listener.localAddress?.port ?? 0
            for w in 0..<workers {
                let agent = WorkerAgent(
                    engine: SyntheticEngine(), outbox: try ResultOutbox(directory: "\(dir)/outbox-\(w)"),
                    maxBatch: maxBatch, logger: quiet)
                agents.append(agent)
                let connector = CoordinatorConnector(
                    host: "127.0.0.1", port: port, token: token,
                    hello: Hello(
                        name: "bench-\(w)", device: "cpu", memoryBytes: 1 << 30, threads: 1,
                        maxBatch: UInt16(maxBatch),
                        models: [.init(name: "bench", sha256: [UInt8](repeating: 0, count: 32))]),
                    group: MultiThreadedEventLoopGroup.singleton)
                let runner = WorkerRunner(agent: agent, logger: quiet) { try await connector.connect() }
                loops.append(Task { try? await runner.run() })
            }
            let deadline = ContinuousClock.now + .seconds(30)
            while try await core.status(jobLimit: 1).workers.count < workers {
                guard ContinuousClock.now < deadline else {
                    throw CLIError("the simulated workers did not all connect within 30 s")
                }
                try await Task.sleep(for: .milliseconds(5))
            }
        } else {
            for w in 0..<workers {
                let agent = WorkerAgent(
                    engine: SyntheticEngine(), outbox: try ResultOutbox(directory: "\(dir)/outbox-\(w)"),
                    maxBatch: maxBatch, logger: quiet)
                loops.append(Task { await agent.run() })
                try await InProcessBridge(core: core, agent: agent, worker: WorkerID("bench-\(w)")).connect(
                    capabilities: caps)
            }
        }

        let specs = (0..<items).map {
            ItemSpec(
                prompt: "prompt \($0)", negativePrompt: "", seed: UInt64($0), settings: "{}",
                batchKey: key.batchKey)
        }
        // Submitting (one transaction) and dispatching are timed apart.
        let start = ContinuousClock.now
        let job = try await store.submit(JobSubmission(owner: "bench", items: specs), now: Date())
        let submitted = ContinuousClock.now
        Task { await core.dispatch() }
        var firstResult: ContinuousClock.Instant?
        while true {
            guard let record = try await store.job(job) else { throw CLIError("bench job vanished") }
            if firstResult == nil, record.progress.done > 0 { firstResult = ContinuousClock.now }
            if record.state.isFinished { break }
            try await Task.sleep(for: .milliseconds(1))
        }
        let finished = ContinuousClock.now
        let metrics = await core.metrics()
        if let server, let serving {
            // Workers drain and leave; the coordinator then stops (bounded waits throughout).
            for agent in agents { await agent.drain() }
            await server.shutdown()
            await core.disconnectAll(reason: "bench over")
            serving.cancel()
            _ = await serving.result
        }
        for loop in loops { loop.cancel() }
        await store.close()

        let submitSeconds = (submitted - start).seconds
        let runSeconds = (finished - submitted).seconds
        let backend = database == nil ? "SQLite" : "given database"
        print(
            "sdfarm bench farm: \(workers) workers × batch \(maxBatch), \(items) items, \(backend), \(wire ? "farm protocol over loopback TCP" : "in memory")"
        )
        print("")
        print("measure                           sdfarm        reference")
        print(
            "submit (items queued/s)           \(pad(Double(items) / submitSeconds))graphile-worker ~202 000 jobs/s queued (ideal)"
        )
        print(
            "dispatch+complete (items/s)       \(pad(Double(items) / runSeconds))OpenCue ~975 frames/s booked (stress test)"
        )
        print("claims (batches/s)                \(pad(Double(items) / Double(maxBatch) / runSeconds))")
        print(
            "time to first result (ms)         \(pad(((firstResult ?? finished) - submitted).seconds * 1000))(polled every 1 ms)"
        )
        print("")
        print(
            "done \(metrics.itemsDone), assigned \(metrics.itemsAssigned), failed \(metrics.itemsFailed), wall \(String(format: "%.2f", submitSeconds + runSeconds)) s"
        )
    }

    private func pad(_ x: Double) -> String {
        let s = String(format: "%.0f", x)
        return s + String(repeating: " ", count: max(1, 14 - s.count))
    }
}

extension Duration {
    var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
}

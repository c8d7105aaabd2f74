import FarmStore
import Foundation

@testable import FarmCoordinator
@testable import FarmWorker
@testable import sdfarm

/// A coordinator core on a fresh SQLite file (or PostgreSQL when SDFARM_TEST_DATABASE_URL is
/// set) with a manual clock, and helpers to add in-memory workers.
struct FarmHarness {
    let directory: String
    let location: StoreLocation
    let store: any JobStore
    let clock: ManualFarmClock
    let core: CoordinatorCore

    static func make(directory: String? = nil, clock: ManualFarmClock = ManualFarmClock(), config: CoordinatorConfig = CoordinatorConfig()) async throws -> FarmHarness {
        let dir = directory ?? NSTemporaryDirectory() + "sdfarm-farm-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let location = try StoreLocation.resolve(
            ProcessInfo.processInfo.environment["SDFARM_TEST_DATABASE_URL"], dataDirectory: dir, environment: [:])
        let store = try await location.open()
        let core = CoordinatorCore(store: store, results: try ResultStore(dataDirectory: dir), clock: clock, config: config)
        return FarmHarness(directory: dir, location: location, store: store, clock: clock, core: core)
    }

    /// The same data directory and database, a new coordinator (a restart).
    func restarted() async throws -> FarmHarness {
        await store.close()
        return try await FarmHarness.make(directory: directory, clock: clock)
    }

    func cleanUp() async {
        await store.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    static let key = BatchKey(model: "tiny", width: 64, height: 64, steps: 3, sampler: "euler", schedule: "default", cfg: 5)

    static func capabilities(maxBatch: Int, models: [String] = ["tiny"]) -> WorkerCapabilities {
        WorkerCapabilities(device: "cpu", memoryBytes: 1 << 30, threads: 1, maxBatch: maxBatch, models: models.map { .init(name: $0, sha256: String(repeating: "0", count: 64)) })
    }

    func submit(_ count: Int, key: BatchKey = FarmHarness.key) async throws -> JobID {
        let items = (0..<count).map { SubmittedItem(prompt: "prompt \($0)", negativePrompt: "", seed: UInt64(1000 + $0), key: key) }
        return try await core.submit(owner: "test", priority: 0, settings: "{}", items: items).job
    }

    /// A worker agent with its own outbox, connected through a bridge, running its loop.
    func addWorker(_ name: String, engine: FakeEngine, maxBatch: Int = 2, outbox: String? = nil) async throws -> TestWorker {
        let agent = WorkerAgent(engine: engine, outbox: try ResultOutbox(directory: outbox ?? "\(directory)/outbox-\(name)"), maxBatch: maxBatch)
        let bridge = InProcessBridge(core: core, agent: agent, worker: WorkerID(name))
        let loop = Task { await agent.run() }
        try await bridge.connect(capabilities: Self.capabilities(maxBatch: maxBatch))
        return TestWorker(agent: agent, bridge: bridge, loop: loop, outbox: outbox ?? "\(directory)/outbox-\(name)")
    }

    /// Polls (without a fixed wait) until `condition` holds; fails the test after ~20 s.
    func eventually(_ what: String, _ condition: () async throws -> Bool) async throws {
        for _ in 0..<20_000 {
            if try await condition() { return }
            try await Task.sleep(nanoseconds: 1_000_000)
        }
        throw HarnessTimeout(what: what)
    }

    func job(_ id: JobID) async throws -> JobRecord {
        guard let record = try await store.job(id) else { throw HarnessTimeout(what: "job \(id) exists") }
        return record
    }
}

struct TestWorker {
    let agent: WorkerAgent
    let bridge: InProcessBridge
    let loop: Task<Void, Never>
    let outbox: String

    /// Kills the worker: the connection drops and its loop is abandoned.
    func kill() async {
        await bridge.cut()
        loop.cancel()
    }
}

struct HarnessTimeout: Error, CustomStringConvertible {
    var what: String
    var description: String { "timed out waiting for: \(what)" }
}

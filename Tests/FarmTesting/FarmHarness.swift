import FarmProtocol
import FarmStore
import Foundation
import Synchronization

@testable import FarmCLI
@testable import FarmCoordinator
@testable import FarmWorker

/// A coordinator core on a fresh SQLite file (or a fresh schema on PostgreSQL when
/// SDFARM_TEST_DATABASE_URL is set) with a manual clock, and helpers to add in-memory workers.
struct FarmHarness {
    let directory: String
    let location: StoreLocation
    /// The PostgreSQL schema, when on PostgreSQL.
    let schema: String?
    let store: any JobStore
    let clock: ManualFarmClock
    let core: CoordinatorCore
    /// A model name of this harness's own (belt and braces: claims go by batch key).
    let model: String

    static func make(
        directory: String? = nil, model: String? = nil, schema: String? = nil,
        clock: ManualFarmClock = ManualFarmClock(),
        config: CoordinatorConfig = .forTests(), wrap: ((any JobStore) -> any JobStore)? = nil
    ) async throws -> FarmHarness {
        let dir = directory ?? NSTemporaryDirectory() + "sdfarm-farm-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let token = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        let store: any JobStore
        let location: StoreLocation
        var schemaName: String?
        if let url = FarmHarness.postgresURL {
            // A schema of its own per harness: tests running at once never see each other's
            // rows (sharing one schema made claims and sweeps cross tests).
            let name = schema ?? "sdfarm_farm_\(token)"
            store = try await PostgresStore(url: url, schema: name, maxConnections: 4)
            location = .postgres(url: url)
            schemaName = name
        } else {
            location = try StoreLocation.resolve(nil, dataDirectory: dir, environment: [:])
            store = try await location.open()
        }
        // The core may see the store through a wrapper (faults); `store` stays the real one.
        let core = CoordinatorCore(
            store: wrap?(store) ?? store, results: try ResultStore(dataDirectory: dir), clock: clock,
            config: config)
        let name = model ?? "tiny-\(token.prefix(8))"
        return FarmHarness(
            directory: dir, location: location, schema: schemaName, store: store, clock: clock, core: core,
            model: name)
    }

    /// PostgreSQL for the farm tests when scripts/test (scripts/with-postgres) provides one.
    static let postgresURL: String? = {
        let url = ProcessInfo.processInfo.environment["SDFARM_TEST_DATABASE_URL"]
        return url?.isEmpty == false ? url : nil
    }()

    /// The same data directory and database, a new coordinator (a restart).
    func restarted() async throws -> FarmHarness {
        await store.close()
        return try await FarmHarness.make(directory: directory, model: model, schema: schema, clock: clock)
    }

    func cleanUp() async {
        await store.close()
        if let schema, let url = FarmHarness.postgresURL {
            try? await PostgresStore.dropSchema(schema, url: url)
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    var key: RenderSettings {
        RenderSettings(
            model: model, width: 64, height: 64, steps: 3, sampler: "euler", schedule: "default", cfg: 5)
    }
    var settings: RenderSettings {
        RenderSettings(
            model: model, width: 64, height: 64, steps: 3, sampler: "euler", schedule: "default", cfg: 5)
    }

    func capabilities(maxBatch: Int) -> WorkerCapabilities {
        WorkerCapabilities(
            device: "cpu", memoryBytes: 1 << 30, threads: 1, maxBatch: maxBatch,
            models: [.init(name: model, sha256: String(repeating: "0", count: 64))])
    }

    func submit(_ count: Int) async throws -> JobID {
        let items = (0..<count).map {
            SubmittedItem(prompt: "prompt \($0)", negativePrompt: "", seed: UInt64(1000 + $0), key: key)
        }
        return try await core.submit(owner: "test", priority: 0, settings: "{}", items: items).job
    }

    /// A worker agent with its own outbox, connected through a bridge, running its loop.
    func addWorker(_ name: String, engine: FakeEngine, maxBatch: Int = 2, outbox: String? = nil) async throws
        -> TestWorker
    {
        let agent = WorkerAgent(
            engine: engine, outbox: try ResultOutbox(directory: outbox ?? "\(directory)/outbox-\(name)"),
            maxBatch: maxBatch)
        let bridge = InProcessBridge(core: core, agent: agent, worker: WorkerID(name))
        let loop = Task { await agent.run() }
        try await bridge.connect(capabilities: capabilities(maxBatch: maxBatch))
        return TestWorker(
            agent: agent, bridge: bridge, loop: loop, outbox: outbox ?? "\(directory)/outbox-\(name)")
    }

    /// Polls until `condition` holds; fails the test after `timeout` seconds of wall time
    /// (a deadline, not a count of polls: a loaded machine makes each poll slower).
    func eventually(_ what: String, timeout: Double = 30, _ condition: () async throws -> Bool) async throws {
        try await FarmHarness.eventually(what, timeout: timeout, condition)
    }

    static func eventually(
        _ what: String, timeout: Double = 30, every interval: Duration = .milliseconds(2),
        _ condition: () async throws -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: interval)
        }
        if try await condition() { return }
        throw HarnessTimeout(what: what)
    }

    func job(_ id: JobID) async throws -> JobRecord {
        guard let record = try await store.job(id) else { throw HarnessTimeout(what: "job \(id) exists") }
        return record
    }
}

extension CoordinatorConfig {
    /// The defaults, on a result disk with plenty of room whatever the test machine's disk
    /// holds (`free`: a probe the test may change).
    static func forTests(free: FakeFreeSpace = FakeFreeSpace(1 << 40)) -> CoordinatorConfig {
        var config = CoordinatorConfig()
        config.freeSpace = free
        return config
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

/// Runs `body` and returns its value, or throws `HarnessTimeout` after `seconds` — even if
/// `body` ignores cancellation (it is then abandoned): no test waits for ever.
func withTimeout<T: Sendable>(
    _ seconds: Double, _ what: String, _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    let once = ResumeOnce<T>()
    return try await withCheckedThrowingContinuation { continuation in
        once.set(continuation)
        let work = Task {
            do { once.resume(.success(try await body())) } catch { once.resume(.failure(error)) }
        }
        Task {
            try? await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
            once.resume(.failure(HarnessTimeout(what: what)))
            work.cancel()
        }
    }
}

final class ResumeOnce<T: Sendable>: Sendable {
    private let state = Mutex<(CheckedContinuation<T, any Error>?, Result<T, any Error>?)>((nil, nil))

    func set(_ c: CheckedContinuation<T, any Error>) {
        let early = state.withLock { s -> Result<T, any Error>? in
            if let r = s.1 { s.1 = nil; return r }
            s.0 = c
            return nil
        }
        if let early { c.resume(with: early) }
    }

    func resume(_ r: Result<T, any Error>) {
        let c = state.withLock { s -> CheckedContinuation<T, any Error>? in
            defer { s.0 = nil }
            if s.0 == nil { s.1 = s.1 ?? r }
            return s.0
        }
        c?.resume(with: r)
    }
}

import FarmStore
import Foundation
import Synchronization
import Testing

@testable import FarmCLI
@testable import FarmCoordinator
@testable import FarmTesting
@testable import FarmWorker

@Suite("Worker: runner reconnects and drains", .serialized, .timeLimit(.minutes(2)))
struct WorkerRunnerTests {
    @Test func reconnectsAfterFailuresAndCutsThenDrainsAndExits() async throws {
        let farm = try await FarmHarness.make()
        defer { Task { await farm.cleanUp() } }
        let engine = FakeEngine()
        let agent = WorkerAgent(
            engine: engine, outbox: try ResultOutbox(directory: "\(farm.directory)/outbox-r"), maxBatch: 2)
        let attempts = Mutex(0)
        let bridges = Mutex<[InProcessBridge]>([])
        var runner = WorkerRunner(agent: agent) {
            let n = attempts.withLock {
                $0 += 1; return $0
            }
            // The coordinator is unreachable for the first two attempts.
            if n <= 2 { throw CocoaError(.fileReadNoSuchFile) }
            let bridge = InProcessBridge(core: farm.core, agent: agent, worker: WorkerID("r"))
            bridges.withLock { $0.append(bridge) }
            return try await bridge.open(capabilities: farm.capabilities(maxBatch: 2))
        }
        runner.backoff = ReconnectBackoff(base: 0.001, cap: 0.004)
        runner.heartbeatInterval = .milliseconds(10)
        let running = Task { try await runner.run() }

        let first = try await farm.submit(4)
        try await farm.eventually("first job done") { try await farm.job(first).state == .done }
        #expect(attempts.withLock { $0 } == 3)

        // The connection drops: the runner connects again by itself and keeps working.
        await bridges.withLock { $0.last! }.cut()
        try await farm.eventually("reconnected") { attempts.withLock { $0 } == 4 }
        let second = try await farm.submit(4)
        try await farm.eventually("second job done") { try await farm.job(second).state == .done }

        // SIGTERM: drain, say goodbye, and the runner returns.
        await agent.drain()
        try await withTimeout(30, "the runner to return after draining") { try await running.value }
        #expect(await agent.isFinished)
        #expect(try agent.outbox.pending().isEmpty)
    }

    @Test func aRefusedHandshakeStopsTheRunner() async throws {
        let dir = NSTemporaryDirectory() + "sdfarm-runner-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let agent = WorkerAgent(engine: FakeEngine(), outbox: try ResultOutbox(directory: dir), maxBatch: 1)
        let runner = WorkerRunner(agent: agent) {
            throw FatalConnectionError("the coordinator refused our token")
        }
        await #expect(throws: FatalConnectionError.self) { try await runner.run() }
    }
}

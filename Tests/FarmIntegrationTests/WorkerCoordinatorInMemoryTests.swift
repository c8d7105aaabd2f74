import FarmProtocol
import FarmStore
import Foundation
import Testing

@testable import FarmCLI
@testable import FarmCoordinator
@testable import FarmTesting
@testable import FarmWorker

/// The farm's invariants with coordinator and workers in one process, connected in memory
/// (no codec): every item ends with exactly one result or an explicit failure.
@Suite("Worker ↔ coordinator, in memory", .serialized, .timeLimit(.minutes(2)))
struct WorkerCoordinatorInMemoryTests {
    /// Every item done, each result in the result store with the bytes the engine makes.
    static func expectAllDone(_ farm: FarmHarness, _ job: JobID, count: Int) async throws {
        let items = try await farm.store.items(ItemFilter(job: job))
        #expect(items.count == count)
        for item in items {
            #expect(item.state == .done)
            let result = try #require(item.result)
            let bytes = try farm.core.results.read(sha256: result.sha256, kind: .png)
            #expect(
                bytes
                    == FakeEngine.image(
                        prompt: item.spec.prompt, seed: item.spec.seed, settings: farm.settings))
        }
    }

    @Test func batchCompletesAcrossTwoWorkers() async throws {
        let farm = try await FarmHarness.make()
        defer { Task { await farm.cleanUp() } }
        let engineA = FakeEngine(), engineB = FakeEngine()
        let a = try await farm.addWorker("a", engine: engineA)
        let b = try await farm.addWorker("b", engine: engineB)
        let job = try await farm.submit(10)
        try await farm.eventually("job done") { try await farm.job(job).state == .done }
        try await Self.expectAllDone(farm, job, count: 10)
        // Batches were at most the worker's max batch, and the outboxes are empty (all acked).
        for call in engineA.calls + engineB.calls { #expect(call.items.count <= 2) }
        try await farm.eventually("outboxes drained") {
            try a.agent.outbox.pending().isEmpty && b.agent.outbox.pending().isEmpty
        }
        // The store says done as the last completion commits; the core counts it just after.
        try await farm.eventually("ten items counted") { await farm.core.metrics().itemsDone == 10 }
        #expect(try await farm.job(job).progress.queued == 0)
    }

    @Test func killedWorkersItemsRunElsewhereWithExactlyOneResultEach() async throws {
        let farm = try await FarmHarness.make()
        defer { Task { await farm.cleanUp() } }
        let doomed = FakeEngine()
        doomed.hold()
        let a = try await farm.addWorker("a", engine: doomed)
        let job = try await farm.submit(4)
        try await farm.eventually("a started a batch") { doomed.waitingCount == 1 }
        #expect(try await farm.job(job).progress.leased == 4)
        await a.kill()

        let b = try await farm.addWorker("b", engine: FakeEngine())
        // Not before the disconnect grace: a might come back.
        await farm.core.tick()
        #expect(try await farm.job(job).progress.leased == 4)
        farm.clock.advance(by: CoordinatorConfig().disconnectGrace + 1)
        await farm.core.tick()
        try await farm.eventually("job done") { try await farm.job(job).state == .done }
        try await Self.expectAllDone(farm, job, count: 4)
        #expect(await farm.core.metrics().leaseExpiries == 4)
        // The killed worker's engine finishing late changes nothing.
        doomed.release()
        for item in try await farm.store.items(ItemFilter(job: job)) {
            #expect(item.completedBy == WorkerID("b"))
        }
        _ = b
    }

    @Test func resultsFinishedDuringADisconnectAreDeliveredFromTheOutbox() async throws {
        let farm = try await FarmHarness.make()
        defer { Task { await farm.cleanUp() } }
        let engine = FakeEngine()
        engine.hold()
        let first = try await farm.addWorker("a", engine: engine, maxBatch: 2)
        let job = try await farm.submit(2)
        try await farm.eventually("batch started") { engine.waitingCount == 1 }
        await first.bridge.cut()
        engine.release()
        // The batch finishes while disconnected: both results wait in the outbox.
        try await farm.eventually("results in the outbox") { try first.agent.outbox.pending().count == 2 }
        #expect(try await farm.job(job).progress.done == 0)
        // The same worker reconnects (same agent, same outbox) within the grace period.
        let again = InProcessBridge(core: farm.core, agent: first.agent, worker: WorkerID("a"))
        try await again.connect(capabilities: farm.capabilities(maxBatch: 2))
        try await farm.eventually("job done") { try await farm.job(job).state == .done }
        try await Self.expectAllDone(farm, job, count: 2)
        try await farm.eventually("outbox emptied by acks") { try first.agent.outbox.pending().isEmpty }
        #expect(engine.calls.count == 1)
    }

    @Test func coordinatorRestartMidJobFinishesIt() async throws {
        let farm = try await FarmHarness.make()
        let engine = FakeEngine()
        engine.hold()
        let a = try await farm.addWorker("a", engine: engine, maxBatch: 2)
        let job = try await farm.submit(6)
        try await farm.eventually("batch started") { engine.waitingCount == 1 }
        // The coordinator goes away: connection dropped, store closed; a new one opens the
        // same database and data directory.
        await a.kill()
        let restarted = try await farm.restarted()
        defer { Task { await restarted.cleanUp() } }
        #expect(try await restarted.job(job).state == .active)
        // The old leases ran to their TTL; the new coordinator's sweep requeues them.
        restarted.clock.advance(by: 10_000)
        await restarted.core.tick()
        #expect(try await restarted.job(job).progress.queued == 6)
        _ = try await restarted.addWorker("b", engine: FakeEngine())
        try await restarted.eventually("job done") { try await restarted.job(job).state == .done }
        try await Self.expectAllDone(restarted, job, count: 6)
    }

    @Test func jobFaultsFailItemsForGoodWithoutBlockingTheWorker() async throws {
        let farm = try await FarmHarness.make()
        defer { Task { await farm.cleanUp() } }
        let engine = FakeEngine()
        engine.failNextBatch(.invalidRequest("unknown sampler"))
        _ = try await farm.addWorker("a", engine: engine, maxBatch: 2)
        let job = try await farm.submit(2)
        try await farm.eventually("job finished") { try await farm.job(job).state.isFinished }
        let record = try await farm.job(job)
        #expect(record.state == .failed)
        #expect(record.progress.failed == 2)
        let items = try await farm.store.items(ItemFilter(job: job))
        #expect(items.allSatisfy { $0.lastError?.contains("unknown sampler") == true })
        #expect(try await farm.store.blockedWorkers(job: job).isEmpty)
    }

    /// A render the worker stopped unfinished is reported as cancelled: the items go back to
    /// the queue with their attempt unchanged, nothing is recorded against the worker or the
    /// items, and they are rendered again.
    @Test func aCancelledRenderPutsItsItemsBackWithoutUsingAnAttempt() async throws {
        let farm = try await FarmHarness.make()
        defer { Task { await farm.cleanUp() } }
        let engine = FakeEngine()
        engine.failNextBatch(.cancelled("the render was stopped after step 1"))
        _ = try await farm.addWorker("a", engine: engine, maxBatch: 2)
        let job = try await farm.submit(2)
        try await farm.eventually("job finished") { try await farm.job(job).state.isFinished }
        #expect(try await farm.job(job).state == .done)
        let items = try await farm.store.items(ItemFilter(job: job))
        #expect(items.map(\.attempt) == [1, 1])
        for item in items { #expect(try await farm.store.failures(of: item.id).isEmpty) }
        #expect(try await farm.store.blockedWorkers(job: job).isEmpty)
        #expect(engine.calls.count >= 2)
    }

    @Test func watchersSeeProgressAndTheJobEnding() async throws {
        let farm = try await FarmHarness.make()
        defer { Task { await farm.cleanUp() } }
        let engine = FakeEngine()
        engine.hold()
        _ = try await farm.addWorker("a", engine: engine, maxBatch: 2)
        let job = try await farm.submit(2)
        let watch = await farm.core.progress.subscribe(job: job.rawValue)
        try await farm.eventually("batch started") { engine.waitingCount == 1 }
        engine.release()
        let core = farm.core
        let (sawProgress, last) = try await withTimeout(30, "the watch to end") { () -> (Bool, JobRecord?) in
            var sawProgress = false
            var last: JobRecord?
            while let events = await core.progress.next(watch) {
                for event in events {
                    switch event {
                    case .progress(let p): sawProgress = sawProgress || p.totalSteps == 3
                    case .job(let record): last = record
                    }
                }
            }
            return (sawProgress, last)
        }
        #expect(sawProgress)
        #expect(last?.state == .done)
    }
}

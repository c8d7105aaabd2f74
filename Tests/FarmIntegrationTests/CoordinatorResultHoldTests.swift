import FarmStore
import Foundation
import Testing

@testable import FarmCLI
@testable import FarmCoordinator
@testable import FarmTesting
@testable import FarmWorker

#if canImport(Glibc)
    import Glibc
#endif

/// Results the coordinator cannot take now — its result disk is below the reserve or
/// failing, its job store is down — stay in the workers' outboxes and are sent again; nobody
/// is blamed, nothing is rendered twice, and the farm carries on by itself (issue 13, 1 and 6).
@Suite(
    "Coordinator: results held while the coordinator cannot take them", .serialized, .timeLimit(.minutes(2)))
struct CoordinatorResultHoldTests {
    static func config(free: FakeFreeSpace) -> CoordinatorConfig {
        var config = CoordinatorConfig.forTests(free: free)
        config.resultRetryAfter = 0.02
        config.resultRetryAfterMax = 0.02
        return config
    }

    @Test func aFullResultDiskBlamesNobodyAndTheFarmResumesWhenSpaceReturns() async throws {
        let disk = FakeFreeSpace(1 << 40)
        let farm = try await FarmHarness.make(config: Self.config(free: disk))
        defer { Task { await farm.cleanUp() } }
        let engineA = FakeEngine(), engineB = FakeEngine()
        engineA.hold()
        engineB.hold()
        let a = try await farm.addWorker("a", engine: engineA)
        let b = try await farm.addWorker("b", engine: engineB)
        // Each worker asks for 4 (2 per batch, 2 batches ahead): 8 leased, 4 left queued.
        let job = try await farm.submit(12)
        try await farm.eventually("both rendering") { engineA.waitingCount == 1 && engineB.waitingCount == 1 }

        // The disk fills while they render: their results are kept, not stored, many times over.
        disk.free = 10 << 20
        engineA.release()
        engineB.release()
        try await farm.eventually("results deferred again and again") {
            await farm.core.metrics().resultsDeferred >= 12
        }
        let held = try await farm.job(job)
        #expect(held.progress.done == 0)
        #expect(held.progress.leased == 8)
        #expect(held.progress.queued == 4, "no new work is claimed below the reserve")
        #expect(try await farm.store.blockedWorkers(job: job).isEmpty)
        for item in try await farm.store.items(ItemFilter(job: job)) {
            #expect(try await farm.store.failures(of: item.id).isEmpty)
        }
        let why = try #require(await farm.core.summary(of: held).waiting)
        #expect(why.contains("below the reserve"), "\(why)")
        let metrics = await farm.core.metrics()
        #expect(metrics.resultDiskLow)
        #expect(PrometheusText.render(metrics).contains("sdfarm_result_disk_low 1\n"))
        try await farm.eventually("all eight kept in the outboxes") {
            try a.agent.outbox.pending().count == 4 && b.agent.outbox.pending().count == 4
        }

        // Leases outlive their ceiling while results wait (the workers keep heartbeating).
        for _ in 0..<20 {
            farm.clock.advance(by: 20)
            await a.agent.heartbeat()
            await b.agent.heartbeat()
            await farm.core.tick()
        }
        #expect(try await farm.job(job).progress.leased == 8)

        // Space returns: the resent results land, new work flows, by itself.
        disk.free = 1 << 40
        await farm.core.tick()
        try await farm.eventually("job done") { try await farm.job(job).state == .done }
        try await WorkerCoordinatorInMemoryTests.expectAllDone(farm, job, count: 12)
        for item in try await farm.store.items(ItemFilter(job: job)) {
            #expect(item.attempt == 1)
            #expect(try await farm.store.failures(of: item.id).isEmpty)
        }
        #expect(try await farm.store.blockedWorkers(job: job).isEmpty)
        // Every item rendered exactly once.
        let rendered = (engineA.calls + engineB.calls).flatMap(\.items)
        #expect(rendered.count == 12)
        #expect(Set(rendered).count == 12)
        #expect(await farm.core.metrics().resultDiskLow == false)
    }

    @Test func resultsDuringADatabaseOutageAreResentAndNeverRenderedTwice() async throws {
        let faulty = Box<FaultyStore>()
        let farm = try await FarmHarness.make(
            config: Self.config(free: FakeFreeSpace(1 << 40)), wrap: { faulty.set(FaultyStore($0)) })
        defer { Task { await farm.cleanUp() } }
        let engine = FakeEngine()
        engine.hold()
        let w = try await farm.addWorker("w", engine: engine, maxBatch: 2)
        let job = try await farm.submit(2)
        try await farm.eventually("rendering") { engine.waitingCount == 1 }

        faulty.value.mode = .down
        engine.release()
        try await farm.eventually("results deferred") { await farm.core.metrics().resultsDeferred >= 4 }
        #expect(try w.agent.outbox.pending().count == 2)
        // The outage outlasts the leases (the heartbeats cannot renew them meanwhile).
        for _ in 0..<5 {
            farm.clock.advance(by: 60)
            await w.agent.heartbeat()
            await farm.core.tick()
        }
        #expect(await farm.core.metrics().storeHealthy == false)
        let why = try #require(await farm.core.summary(of: try await farm.job(job)).waiting)
        #expect(why.contains("job store is failing") || why.contains("Connection refused"), "\(why)")

        // The database returns: the leases are renewed before any sweep, the resent results
        // are recorded, and nothing is handed out again.
        faulty.value.mode = .healthy
        await farm.core.tick()
        try await farm.eventually("job done") { try await farm.job(job).state == .done }
        for item in try await farm.store.items(ItemFilter(job: job)) {
            #expect(item.attempt == 1)
            #expect(item.completedBy == WorkerID("w"))
        }
        #expect(engine.calls.flatMap(\.items).count == 2)
        #expect(await farm.core.metrics().leaseExpiries == 0)
        try await farm.eventually("outbox drained") { try w.agent.outbox.pending().isEmpty }
    }

    @Test func noSpaceWritingResultsBlamesNobodyAndHoldsWorkUntilSpaceIsFreed() async throws {
        let disk = FakeFreeSpace(4096)
        var config = Self.config(free: disk)
        config.minFreeSpace = 0
        let farm = try await FarmHarness.make(config: config)
        defer { Task { await farm.cleanUp() } }
        let job = try await farm.submit(8)
        let a = RecordingLink(), b = RecordingLink(), good = RecordingLink()
        _ = try await farm.core.workerConnected(
            id: "a", name: "a", capabilities: farm.capabilities(maxBatch: 2), link: a)
        _ = try await farm.core.workerConnected(
            id: "b", name: "b", capabilities: farm.capabilities(maxBatch: 2), link: b)
        await farm.core.workerCredit(id: "a", items: 2)
        await farm.core.workerCredit(id: "b", items: 2)
        // Three ENOSPC each, as the probe of issue 13 saw them.
        let enospc = ResultStoreError(
            .io(operation: "write", errno: ENOSPC), path: farm.core.results.root + "/tmp/x.png")
        for (id, link) in [(WorkerID("a"), a), (WorkerID("b"), b)] {
            let leases = try #require(link.batches.first).items.map(\.lease)
            for lease in leases + [leases[0]] {
                await farm.core.resultNotStored(id: id, lease: lease, error: enospc)
            }
            #expect(link.sent.filter { if case .resultRetryLater = $0 { true } else { false } }.count == 3)
        }
        // Held: no new work, and status says why.
        _ = try await farm.core.workerConnected(
            id: "good", name: "good", capabilities: farm.capabilities(maxBatch: 2), link: good)
        await farm.core.workerCredit(id: "good", items: 2)
        #expect(good.batches.isEmpty)
        let why = try #require(await farm.core.summary(of: try await farm.job(job)).waiting)
        #expect(why.contains("results cannot be written (write: No space left on device)"), "\(why)")
        await farm.core.tick()
        #expect(good.batches.isEmpty, "the same free space: still held")

        // Space is freed: work flows again; another worker's success blocks nobody.
        disk.free = 1 << 30
        await farm.core.tick()
        let batch = try #require(good.batches.first)
        for item in batch.items {
            await farm.core.workerResult(
                id: "good", lease: item.lease,
                png: StoredResult(sha256: String(repeating: "ab", count: 32), size: 1, location: "x"),
                latents: nil)
        }
        #expect(try await farm.store.blockedWorkers(job: job).isEmpty)
        for item in try await farm.store.items(ItemFilter(job: job)) {
            #expect(try await farm.store.failures(of: item.id).isEmpty)
            #expect(item.attempt == 1)
        }
        #expect(
            try await farm.job(job).progress.leased == 4,
            "a's and b's results still count as theirs to deliver")
    }

    @Test func aDeferredResultNobodyResendsStopsHoldingItsItem() async throws {
        var config = Self.config(free: FakeFreeSpace(1 << 40))
        config.resultHoldLimit = 100
        let farm = try await FarmHarness.make(config: config)
        defer { Task { await farm.cleanUp() } }
        let job = try await farm.submit(1)
        let link = RecordingLink()
        _ = try await farm.core.workerConnected(
            id: "w", name: "w", capabilities: farm.capabilities(maxBatch: 1), link: link)
        await farm.core.workerCredit(id: "w", items: 1)
        let lease = try #require(link.batches.first?.items.first).lease
        await farm.core.resultNotStored(id: "w", lease: lease, error: .belowReserve(farm.core.results.root))
        // The worker heartbeats on but never sends the result again: past the hold limit the
        // usual ceiling applies and the item goes back to the queue.
        for _ in 0..<60 {
            farm.clock.advance(by: 10)
            await farm.core.workerHeartbeat(id: "w")
            await farm.core.tick()
        }
        #expect(await farm.core.metrics().leaseExpiries == 1)
        #expect(try await farm.job(job).progress.queued + farm.job(job).progress.leased == 1)
        #expect(try #require(try await farm.store.items(ItemFilter(job: job)).first).attempt == 2)
    }

    @Test func theReserveClearsAWriteFailureOnlyWhenSpaceIsFreed() {
        var disk = DiskReserve(minFree: 0)
        disk.measured(100)
        #expect(!disk.isLow)
        disk.writeFailed("write: No space left on device")
        #expect(disk.isLow)
        disk.measured(100)
        #expect(disk.isLow)
        disk.measured(5000)
        #expect(!disk.isLow)
        #expect(disk.summary == nil)
    }
}

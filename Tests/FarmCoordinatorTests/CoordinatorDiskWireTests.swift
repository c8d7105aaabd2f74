import FarmClient
import FarmProtocol
import FarmStore
import Foundation
import Testing

@testable import FarmCLI
@testable import FarmCoordinator
@testable import FarmTesting
@testable import FarmWorker

/// Over real sockets: a result disk below its reserve answers results with result-ack's
/// retry-later form and the worker resends by itself; `unblock` lifts blocks (issue 13.1).
@Suite("Coordinator: full disk and unblock over the wire", .serialized, .timeLimit(.minutes(2)))
struct CoordinatorDiskWireTests {
    @Test func resultsWaitInTheOutboxWhileTheDiskIsLowAndLandWhenSpaceReturns() async throws {
        let disk = FakeFreeSpace(1 << 40)
        var config = CoordinatorConfig.forTests(free: disk)
        config.resultRetryAfter = 0.05
        config.resultRetryAfterMax = 0.05
        let farm = try await LoopbackFarm(farm: try await FarmHarness.make(config: config))
        let engine = FakeEngine()
        engine.hold()
        let w = try LoopbackWorker(farm: farm, name: "w", engine: engine)
        let job = try await farm.submit(2)
        try await farm.farm.eventually("rendering") { engine.waitingCount == 1 }
        disk.free = 0
        engine.release()
        try await farm.farm.eventually("results deferred over the wire") {
            await farm.farm.core.metrics().resultsDeferred >= 4
        }
        #expect(try await farm.farm.job(JobID(job)).progress.done == 0)
        #expect(try w.agent.outbox.pending().count == 2)
        let summary = try await farm.client { conn in try await conn.job(job) }
        #expect(summary.waiting?.contains("below the reserve") == true, "\(summary.waiting ?? "nil")")

        disk.free = 1 << 40
        try await farm.farm.eventually("job done") { try await farm.farm.job(JobID(job)).state == .done }
        try await farm.farm.eventually("outbox drained") { try w.agent.outbox.pending().isEmpty }
        for item in try await farm.farm.store.items(ItemFilter(job: JobID(job))) {
            #expect(item.attempt == 1)
            #expect(try await farm.farm.store.failures(of: item.id).isEmpty)
        }
        #expect(engine.calls.flatMap(\.items).count == 2)
        await w.kill()
        await farm.stop()
        await farm.farm.cleanUp()
    }

    @Test func unblockLiftsAJobsBlocksOverTheWire() async throws {
        let farm = try await LoopbackFarm(farm: try await FarmHarness.make())
        let job = try await farm.submit(3)
        let now = farm.farm.clock.now()
        try await farm.farm.store.block(worker: "a", job: JobID(job), now: now)
        try await farm.farm.store.block(worker: "b", job: JobID(job), now: now)
        let one = try await farm.client { conn in try await conn.unblock(job: job, worker: "a") }
        #expect(one == "lifted 1 block of worker a for job \(job)")
        #expect(try await farm.farm.store.blockedWorkers(job: JobID(job)).map(\.worker) == ["b"])
        let all = try await farm.client { conn in try await conn.unblock(job: job, worker: nil) }
        #expect(all == "lifted 1 block of every worker for job \(job)")
        #expect(try await farm.farm.store.blockedWorkers(job: JobID(job)).isEmpty)
        await #expect(throws: FarmClientError.self) {
            _ = try await farm.client { conn in try await conn.unblock(job: 999_999, worker: nil) }
        }
        await farm.stop()
        await farm.farm.cleanUp()
    }

    @Test func aClientRequestTheStoreFailsIsCountedAndShown() async throws {
        let faulty = Box<FaultyStore>()
        let farm = try await LoopbackFarm(
            farm: try await FarmHarness.make(wrap: { faulty.set(FaultyStore($0)) }))
        faulty.value.mode = .readOnly
        await #expect(throws: FarmClientError.self) { _ = try await farm.submit(2) }
        let metrics = await farm.farm.core.metrics()
        #expect(metrics.storeErrors["submit"] == 1)
        #expect(metrics.storeHealthy == false)
        await farm.stop()
        await farm.farm.cleanUp()
    }
}

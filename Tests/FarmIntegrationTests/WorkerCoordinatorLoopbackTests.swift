import FarmStore
import Foundation
import NIOCore
import NIOPosix
import Testing

@testable import FarmCoordinator
@testable import FarmWorker
@testable import sdfarm

/// Coordinator, workers and a client in one process over loopback TCP (the interim wire),
/// with a fake engine, on SQLite (PostgreSQL when SDFARM_TEST_DATABASE_URL is set).
@Suite("Worker ↔ coordinator over loopback", .serialized)
struct WorkerCoordinatorLoopbackTests {
    @Test func batchCompletesAndResultsComeBackByteForByte() async throws {
        let farm = try await LoopbackFarm(farm: try await FarmHarness.make())
        let a = try LoopbackWorker(farm: farm, name: "a", engine: FakeEngine())
        let b = try LoopbackWorker(farm: farm, name: "b", engine: FakeEngine())
        let job = try await farm.submit(8)
        try await farm.farm.eventually("job done") { try await farm.farm.job(JobID(job)).state == .done }
        let results = try await farm.client { conn -> [WireResultItem] in
            try await conn.send(.fetchResults(job: job, fromIndex: 0, limit: 100))
            guard case .results(let items, _) = try await conn.reply() else { throw WireError("no results") }
            return items
        }
        #expect(results.count == 8)
        let settings = farm.farm.settings
        for r in results {
            #expect(r.state == "done")
            #expect(r.png.map([UInt8].init) == FakeEngine.image(prompt: r.prompt, seed: r.seed, settings: settings))
        }
        await a.kill()
        await b.kill()
        await farm.stop()
        await farm.farm.cleanUp()
    }

    @Test func wrongTokensAreRefused() async throws {
        let farm = try await LoopbackFarm(farm: try await FarmHarness.make())
        let wrong = Array("not-the-right-token-at-all".utf8)
        await #expect(throws: CLIError.self) {
            try await farm.client(token: wrong) { conn in try await conn.send(.status(jobLimit: 1)) }
        }
        // The worker token is not the client token either.
        await #expect(throws: CLIError.self) {
            try await farm.client(token: LoopbackFarm.workerToken) { conn in try await conn.send(.status(jobLimit: 1)) }
        }
        await #expect(throws: FatalConnectionError.self) {
            _ = try await farm.connector(name: "intruder", maxBatch: 1, token: wrong).connect()
        }
        #expect(await farm.farm.core.metrics().connectionsRefused == 3)
        #expect(try await farm.farm.core.status().workers.isEmpty)
        await farm.stop()
        await farm.farm.cleanUp()
    }

    @Test func malformedFramesCloseOnlyThatConnection() async throws {
        let farm = try await LoopbackFarm(farm: try await FarmHarness.make())
        try await farm.client { good in
            try await good.send(.status(jobLimit: 1))
            guard case .statusReply = try await good.reply() else { throw WireError("no status") }

            // Garbage JSON in a well-formed frame; an oversized length; a frame before hello.
            var garbage = ByteBuffer()
            garbage.writeInteger(UInt32(5))
            garbage.writeString("{{{{{")
            var huge = ByteBuffer()
            huge.writeInteger(UInt32.max)
            var early = ByteBuffer()
            let heartbeat = try WireMessage.heartbeat.encoded()
            early.writeInteger(UInt32(heartbeat.count))
            early.writeBytes(heartbeat)
            for bytes in [garbage, huge, early] {
                let raw = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: "127.0.0.1", port: farm.port) { channel in
                    channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
                }
                try await raw.executeThenClose { inbound, outbound in
                    try await outbound.write(bytes)
                    // The coordinator closes it (after at most a refusal).
                    for try await _ in inbound {}
                }
            }

            // The good connection is untouched.
            try await good.send(.status(jobLimit: 1))
            guard case .statusReply = try await good.reply() else { throw WireError("no status after the bad peers") }
        }
        await farm.stop()
        await farm.farm.cleanUp()
    }

    @Test func killedWorkersItemsRunElsewhereWithExactlyOneResultEach() async throws {
        let farm = try await LoopbackFarm(farm: try await FarmHarness.make())
        let doomedEngine = FakeEngine()
        doomedEngine.hold()
        let doomed = try LoopbackWorker(farm: farm, name: "doomed", engine: doomedEngine)
        try await farm.farm.eventually("doomed connected") { try await farm.farm.core.status().workers.count == 1 }
        let job = try await farm.submit(4)
        try await farm.farm.eventually("doomed started") { doomedEngine.waitingCount == 1 }
        await doomed.kill()
        let survivor = try LoopbackWorker(farm: farm, name: "survivor", engine: FakeEngine())
        try await farm.farm.eventually("survivor connected") { try await farm.farm.core.status().workers.map(\.name) == ["survivor"] }
        farm.farm.clock.advance(by: CoordinatorConfig().disconnectGrace + 1)
        // Keep the survivor's heartbeat fresh on the moved clock, then sweep.
        await farm.farm.core.workerHeartbeat(id: WorkerID("survivor"))
        await farm.farm.core.tick()
        try await farm.farm.eventually("job done") { try await farm.farm.job(JobID(job)).state == .done }
        let items = try await farm.farm.store.items(ItemFilter(job: JobID(job)))
        #expect(items.count == 4)
        #expect(items.allSatisfy { $0.state == .done && $0.completedBy == WorkerID("survivor") && $0.result != nil })
        doomedEngine.release()
        await survivor.kill()
        await farm.stop()
        await farm.farm.cleanUp()
    }

    @Test func coordinatorRestartMidJobFinishesIt() async throws {
        let first = try await LoopbackFarm(farm: try await FarmHarness.make())
        let engine = FakeEngine()
        engine.hold()
        let worker = try LoopbackWorker(farm: first, name: "w", engine: engine)
        let job = try await first.submit(6)
        try await first.farm.eventually("batch started") { engine.waitingCount == 1 }
        // The coordinator stops mid-job; the worker keeps its batch and tries to reconnect.
        await first.stop()
        let restarted = try await first.farm.restarted()
        let second = try await LoopbackFarm(farm: restarted, port: first.port)
        engine.release()
        try await restarted.eventually("worker back") { try await restarted.core.status().workers.count == 1 }
        // Leases of the old process run out on the new one's clock.
        restarted.clock.advance(by: 10_000)
        await restarted.core.workerHeartbeat(id: WorkerID("w"))
        await restarted.core.tick()
        try await restarted.eventually("job done") { try await restarted.job(JobID(job)).state == .done }
        let items = try await restarted.store.items(ItemFilter(job: JobID(job)))
        #expect(items.allSatisfy { $0.state == .done && $0.result != nil })
        await worker.kill()
        await second.stop()
        await restarted.cleanUp()
    }
}

import FarmClient
import FarmProtocol
import FarmStore
import Foundation
import NIOCore
import NIOPosix
import Testing

@testable import FarmCLI
@testable import FarmCoordinator
@testable import FarmTesting
@testable import FarmWorker

/// Coordinator, workers and a client in one process over loopback TCP, speaking the farm
/// protocol, with a fake engine; on SQLite, and on PostgreSQL when SDFARM_TEST_DATABASE_URL
/// is set.
@Suite("Worker ↔ coordinator over loopback", .serialized, .timeLimit(.minutes(2)))
struct WorkerCoordinatorLoopbackTests {
    @Test func batchCompletesAndResultsComeBackByteForByte() async throws {
        let farm = try await LoopbackFarm(farm: try await FarmHarness.make())
        let a = try LoopbackWorker(farm: farm, name: "a", engine: FakeEngine())
        let b = try LoopbackWorker(farm: farm, name: "b", engine: FakeEngine())
        let job = try await farm.submit(8)
        try await farm.farm.eventually("job done") { try await farm.farm.job(JobID(job)).state == .done }
        var results: [(ResultItem, [UInt8]?)] = []
        let end = try await farm.client { conn in
            try await conn.fetchResults(job: job, from: 0, limit: 100) { item, png in
                results.append((item, png))
            }
        }
        #expect(!end.more)
        #expect(results.count == 8)
        let settings = farm.farm.settings
        for (r, png) in results {
            #expect(r.state == "done")
            #expect(png == FakeEngine.image(prompt: r.prompt, seed: r.seed, settings: settings))
        }
        // Latents came through too (chunked), stored under their digest.
        let items = try await farm.farm.store.items(ItemFilter(job: JobID(job)))
        for item in items {
            let stored = try #require(item.result)
            #expect(
                try farm.farm.core.results.read(sha256: stored.sha256, kind: .png)
                    == results.first { $0.0.index == item.index }?.1)
        }
        await a.kill()
        await b.kill()
        await farm.stop()
        await farm.farm.cleanUp()
    }

    @Test func wrongTokensAreRefused() async throws {
        let farm = try await LoopbackFarm(farm: try await FarmHarness.make())
        let wrong = Array("not-the-right-token-at-all".utf8)
        await #expect(throws: FarmClientError.self) {
            try await farm.client(token: wrong) { conn in _ = try await conn.status() }
        }
        // The worker token is not the client token either.
        await #expect(throws: FarmClientError.self) {
            try await farm.client(token: LoopbackFarm.workerToken) { conn in _ = try await conn.status() }
        }
        await #expect(throws: FatalConnectionError.self) {
            _ = try await farm.connector(name: "intruder", maxBatch: 1, token: wrong).connect()
        }
        try await farm.farm.eventually("refusals counted") {
            await farm.farm.core.metrics().connectionsRefused == 3
        }
        #expect(try await farm.farm.core.status().workers.isEmpty)
        await farm.stop()
        await farm.farm.cleanUp()
    }

    /// Raw bytes to the coordinator; returns once it has closed the connection.
    static func sendRaw(_ bytes: ByteBuffer, port: Int) async throws -> [UInt8] {
        let raw = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(
            host: "127.0.0.1", port: port
        ) { channel in
            channel.eventLoop.makeCompletedFuture {
                try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
            }
        }
        return try await withTimeout(15, "the coordinator to close a bad connection") {
            try await raw.executeThenClose { inbound, outbound in
                try await outbound.write(bytes)
                var received: [UInt8] = []
                for try await chunk in inbound { received += chunk.readableBytesView }
                return received
            }
        }
    }

    @Test func malformedFramesCloseOnlyThatConnection() async throws {
        let farm = try await LoopbackFarm(farm: try await FarmHarness.make())
        try await farm.client { good in
            _ = try await good.status()

            // A frame that is not a handshake; an oversized length; a handshake with bad magic;
            // a valid open followed by garbage instead of the proof.
            var notHandshake = ByteBuffer()
            FrameEncoder.write(Heartbeat(sequence: 1).frame(), into: &notHandshake)
            var huge = ByteBuffer()
            huge.writeInteger(UInt32.max)
            var badMagic = ByteBuffer()
            var open = HandshakeOpen(role: .client, clientNonce: Authentication.nonce()).frame()
            open.body.setInteger(UInt32(0x4745_5420), at: open.body.readerIndex)
            FrameEncoder.write(open, into: &badMagic)
            var garbageProof = ByteBuffer()
            FrameEncoder.write(
                HandshakeOpen(role: .worker, clientNonce: Authentication.nonce()).frame(), into: &garbageProof
            )
            FrameEncoder.write(
                Frame(messageID: HandshakeProof.rawID, body: ByteBuffer(bytes: [1, 2, 3])),
                into: &garbageProof)
            for bytes in [notHandshake, huge, badMagic, garbageProof] {
                var reply = ByteBuffer(bytes: try await Self.sendRaw(bytes, port: farm.port))
                // At most a challenge and then an error frame: never a crash, never silence.
                var sawError = false
                while let frame = try? FrameDecoder.parse(&reply) {
                    if frame.messageID == ErrorMessage.rawID { sawError = true }
                }
                #expect(sawError)
            }

            // The good connection is untouched.
            _ = try await good.status()
        }
        await farm.stop()
        await farm.farm.cleanUp()
    }

    @Test func aClientMistakeIsAnsweredAndTheConnectionStays() async throws {
        let farm = try await LoopbackFarm(farm: try await FarmHarness.make())
        try await farm.client { conn in
            await #expect(throws: FarmClientError.self) { _ = try await conn.job(999_999) }
            await #expect(throws: FarmClientError.self) { _ = try await conn.drain(worker: "nobody") }
            _ = try await conn.status()
        }
        await farm.stop()
        await farm.farm.cleanUp()
    }

    @Test func killedWorkersItemsRunElsewhereWithExactlyOneResultEach() async throws {
        let farm = try await LoopbackFarm(farm: try await FarmHarness.make())
        let doomedEngine = FakeEngine()
        doomedEngine.hold()
        let doomed = try LoopbackWorker(farm: farm, name: "doomed", engine: doomedEngine)
        try await farm.farm.eventually("doomed connected") {
            try await farm.farm.core.status().workers.count == 1
        }
        let job = try await farm.submit(4)
        try await farm.farm.eventually("doomed started") { doomedEngine.waitingCount == 1 }
        await doomed.kill()
        let survivor = try LoopbackWorker(farm: farm, name: "survivor", engine: FakeEngine())
        try await farm.farm.eventually("survivor connected") {
            try await farm.farm.core.status().workers.map(\.name) == ["survivor"]
        }
        // The coordinator forgets the doomed worker at once but cuts its leases to the
        // disconnect grace in the store a moment later; move the clock only after that, or
        // the one sweep below can run first and find nothing expired (the daemon would sweep
        // again a second later; this test sweeps once).
        let grace = CoordinatorConfig().disconnectGrace
        try await farm.farm.eventually("doomed's leases cut to the grace") {
            let limit = farm.farm.clock.now().addingTimeInterval(grace)
            return try await farm.farm.store.items(ItemFilter(job: JobID(job))).allSatisfy {
                $0.leaseOwner != WorkerID("doomed") || ($0.leaseExpiresAt ?? .distantFuture) <= limit
            }
        }
        farm.farm.clock.advance(by: grace + 1)
        // Keep the survivor's heartbeat fresh on the moved clock, then sweep.
        await farm.farm.core.workerHeartbeat(id: WorkerID("survivor"))
        await farm.farm.core.tick()
        try await farm.farm.eventually("job done") { try await farm.farm.job(JobID(job)).state == .done }
        let items = try await farm.farm.store.items(ItemFilter(job: JobID(job)))
        #expect(items.count == 4)
        #expect(
            items.allSatisfy {
                $0.state == .done && $0.completedBy == WorkerID("survivor") && $0.result != nil
            })
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

    @Test func watchSeesProgressAndTheEnd() async throws {
        let farm = try await LoopbackFarm(farm: try await FarmHarness.make())
        let engine = FakeEngine()
        engine.hold()
        let worker = try LoopbackWorker(farm: farm, name: "w", engine: engine)
        let job = try await farm.submit(2)
        try await farm.farm.eventually("batch started") { engine.waitingCount == 1 }
        let watching = Task {
            try await farm.client { conn -> (JobSummary, Int) in
                var progress = 0
                let end = try await conn.watch(job) { event in
                    if case .progress(let w, let p) = event, w == "w", p.totalSteps == 3 { progress += 1 }
                }
                return (end, progress)
            }
        }
        try await farm.farm.eventually("watcher subscribed") {
            await farm.farm.core.progress.watcherCount(job: job) == 1
        }
        engine.release()
        let (end, progress) = try await withTimeout(30, "the watch to end") { try await watching.value }
        #expect(end.state == "done")
        #expect(end.done == 2)
        #expect(progress >= 1)
        await worker.kill()
        await farm.stop()
        await farm.farm.cleanUp()
    }

    @Test func jobControlOverTheWire() async throws {
        let farm = try await LoopbackFarm(farm: try await FarmHarness.make())
        let job = try await farm.submit(3)
        try await farm.client { conn in
            #expect(try await conn.pause(job).state == "paused")
            #expect(try await conn.resume(job).state == "active")
            let cancelled = try await conn.cancel(job)
            #expect(cancelled.state == "cancelled")
            #expect(cancelled.cancelled == 3)
            let status = try await conn.status()
            #expect(status.jobs.contains { $0.id == job && $0.state == "cancelled" })
        }
        await farm.stop()
        await farm.farm.cleanUp()
    }
}

extension WorkerCoordinatorLoopbackTests {
    @Test func aRequestTheStoreRefusesIsAnsweredAndTheConnectionStays() async throws {
        let farm = try await LoopbackFarm(farm: try await FarmHarness.make())
        let job = try await farm.submit(2)
        try await farm.client { conn in
            _ = try await conn.cancel(job)
            // Resuming a cancelled job is refused by the store: an error reply, not a hang-up.
            await #expect(throws: FarmClientError.self) { _ = try await conn.resume(job) }
            #expect(try await conn.job(job).state == "cancelled")
        }
        await farm.stop()
        await farm.farm.cleanUp()
    }
}

extension WorkerCoordinatorLoopbackTests {
    /// An authenticated worker that breaks the protocol (a result chunk with no result begun)
    /// gets an error frame and a closed connection; the farm carries on.
    @Test func aWorkerBreakingTheProtocolGetsAnErrorFrameAndIsClosed() async throws {
        let farm = try await LoopbackFarm(farm: try await FarmHarness.make())
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(
            host: "127.0.0.1", port: farm.port
        ) {
            FrameChannel.configure($0, idle: .seconds(10), readOnly: true)
        }
        let received = try await withTimeout(15, "the coordinator to close the rogue worker") {
            try await channel.executeThenClose { inbound, outbound -> [Frame] in
                var frames = inbound.makeAsyncIterator()
                var handshake = ClientHandshake(role: .worker, token: LoopbackFarm.workerToken)
                try await outbound.write(handshake.start().frame())
                let challenge = try HandshakeChallenge.decode(frame: try #require(try await frames.next()))
                let hello = Hello(
                    name: "rogue", device: "cpu", memoryBytes: 1, threads: 1, maxBatch: 1, models: [])
                try await outbound.write(try handshake.receive(challenge).frame())
                try handshake.receive(
                    try HandshakeServerProof.decode(frame: try #require(try await frames.next())))
                try await outbound.write(contentsOf: [hello.frame(), ResultChunk(data: [1, 2, 3]).frame()])
                var received: [Frame] = []
                while let f = try await frames.next() { received.append(f) }
                return received
            }
        }
        #expect(received.first?.messageID == Welcome.rawID)
        let last = try #require(received.last)
        #expect(try ErrorMessage.decode(frame: last).code == .protocolViolation)
        try await farm.farm.eventually("the rogue worker gone") {
            try await farm.farm.core.status().workers.isEmpty
        }
        _ = try await farm.client { try await $0.status() }
        await farm.stop()
        await farm.farm.cleanUp()
    }
}

extension WorkerCoordinatorLoopbackTests {
    /// Settings without a protocol field of their own (the noise generator, the timestep
    /// spacing) travel as render-spec extras from the submission, through the store, to the
    /// worker's engine.
    @Test func extraSettingsReachTheEngine() async throws {
        let farm = try await LoopbackFarm(farm: try await FarmHarness.make())
        let engine = FakeEngine()
        let worker = try LoopbackWorker(farm: farm, name: "w", engine: engine)
        let k = farm.farm.key
        let job = try await farm.client { conn in
            try await conn.beginSubmit(priority: 0, owner: "tester", settings: "{}")
            try await conn.submit(
                SubmitItems.Item(
                    prompt: "p", negative: "", seed: 1,
                    spec: RenderSettings(
                        model: k.model, width: k.width, height: k.height, steps: k.steps, sampler: k.sampler,
                        schedule: k.schedule, cfg: k.cfg,
                        rng: "philox", timestepSpacing: "trailing")))
            return try await conn.commit().jobID
        }
        try await farm.farm.eventually("job done") { try await farm.farm.job(JobID(job)).state == .done }
        #expect(engine.calls.map(\.rng) == ["philox"])
        #expect(engine.calls.map(\.timestepSpacing) == ["trailing"])
        await worker.kill()
        await farm.stop()
        await farm.farm.cleanUp()
    }
}

extension WorkerCoordinatorLoopbackTests {
    /// A job larger than one submit-items chunk (1024 items) arrives whole and in order.
    @Test func aLargeSubmissionTravelsInChunksAndKeepsItsOrder() async throws {
        let farm = try await LoopbackFarm(farm: try await FarmHarness.make())
        let job = try await farm.submit(2500)
        let record = try await farm.farm.job(JobID(job))
        #expect(record.progress.total == 2500)
        let items = try await farm.farm.store.items(ItemFilter(job: JobID(job), fromIndex: 1020, limit: 10))
        #expect(items.map(\.index) == Array(1020..<1030))
        #expect(items.map(\.spec.prompt) == (1020..<1030).map { "prompt \($0)" })
        await farm.stop()
        await farm.farm.cleanUp()
    }
}

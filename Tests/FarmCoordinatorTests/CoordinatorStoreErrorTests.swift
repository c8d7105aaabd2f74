import FarmStore
import Foundation
import Logging
import Synchronization
import Testing

@testable import FarmCoordinator
@testable import FarmTesting

/// Store errors are logged with context, counted, rate-limited in the log, and reported as
/// what they are in status, `why` and the metrics (issues 12 and 13.2).
@Suite("Coordinator: store errors", .serialized, .timeLimit(.minutes(2)))
struct CoordinatorStoreErrorTests {
    @Test func aFailingStoreIsCountedAndTheQueueDepthIsUnknownNotZero() async throws {
        let faulty = Box<FaultyStore>()
        let farm = try await FarmHarness.make(wrap: { faulty.set(FaultyStore($0)) })
        defer { Task { await farm.cleanUp() } }
        _ = try await farm.submit(3)
        #expect(await farm.core.metrics().queueDepth == 3)
        faulty.value.mode = .down
        let m = await farm.core.metrics()
        #expect(m.queueDepth == nil)
        #expect(m.storeErrors["queue depth"] == 1)
        let text = PrometheusText.render(m)
        #expect(!text.contains("sdfarm_queue_depth 0"))
        #expect(text.contains("sdfarm_store_errors_total{operation=\"queue depth\"} 1\n"))

        // A heartbeat whose renewal fails is counted too, and nothing crashes or hangs.
        faulty.value.mode = .healthy
        let link = RecordingLink()
        _ = try await farm.core.workerConnected(
            id: "w", name: "w", capabilities: farm.capabilities(maxBatch: 2), link: link)
        await farm.core.workerCredit(id: "w", items: 2)
        #expect(link.batches.count == 1)
        faulty.value.mode = .down
        await farm.core.workerHeartbeat(id: "w")
        let after = await farm.core.metrics()
        #expect(after.storeErrors["renew"] == 1)
        #expect(after.storeErrors["touch worker"] == 1)
        #expect(after.storeHealthy == false)
    }

    @Test func aFullDatabaseIsReportedAsSuchNotAsWaitingForAWorker() async throws {
        let faulty = Box<FaultyStore>()
        let farm = try await FarmHarness.make(wrap: { faulty.set(FaultyStore($0)) })
        defer { Task { await farm.cleanUp() } }
        let job = try await farm.submit(2)
        let link = RecordingLink()
        _ = try await farm.core.workerConnected(
            id: "w", name: "w", capabilities: farm.capabilities(maxBatch: 2), link: link)
        faulty.value.mode = .readOnly
        await farm.core.workerCredit(id: "w", items: 2)
        #expect(link.batches.isEmpty)

        let waiting = try #require(try await farm.core.status().jobs.first { $0.record.id == job }?.waiting)
        #expect(waiting.contains("database or disk is full"), "status said: \(waiting)")
        #expect(!waiting.contains("waiting for a worker"))
        let record = try await farm.job(job)
        #expect(await farm.core.summary(of: record).waiting?.contains("database or disk is full") == true)
        let metrics = await farm.core.metrics()
        #expect(metrics.storeHealthy == false)
        #expect(metrics.storeErrors["claim"] == 1)
        #expect(PrometheusText.render(metrics).contains("sdfarm_store_healthy 0\n"))

        // Space returns: the next claim that takes work heals it, once failures have settled.
        faulty.value.mode = .healthy
        farm.clock.advance(by: 11)
        await farm.core.tick()
        #expect(link.batches.count == 1)
        #expect(await farm.core.metrics().storeHealthy)
        #expect(try await farm.core.status().jobs.first { $0.record.id == job }?.waiting == nil)
    }

    @Test func repeatedIdenticalErrorsAreRateLimitedInTheLog() async throws {
        let lines = LogCapture()
        let faulty = Box<FaultyStore>()
        var config = CoordinatorConfig.forTests()
        config.repeatedErrorInterval = 60
        let farm = try await FarmHarness.make(config: config, wrap: { faulty.set(FaultyStore($0)) })
        defer { Task { await farm.cleanUp() } }
        let core = CoordinatorCore(
            store: faulty.value, results: farm.core.results, clock: farm.clock, config: config,
            logger: Logger(label: "test") { _ in lines })
        _ = try await farm.submit(2)
        _ = try await core.workerConnected(
            id: "w", name: "w", capabilities: farm.capabilities(maxBatch: 2), link: RecordingLink())
        faulty.value.mode = .readOnly
        await core.workerCredit(id: "w", items: 2)
        // Four ticks a second for ten seconds.
        for _ in 0..<40 {
            farm.clock.advance(by: 0.25)
            await core.dispatch()
        }
        let claimLines = lines.lines.filter { $0.contains("store claim failed") }
        #expect(claimLines.count == 1, "\(claimLines)")
        farm.clock.advance(by: 60)
        await core.dispatch()
        let again = lines.lines.filter { $0.contains("store claim failed") }
        #expect(again.count == 2)
        #expect(again.last?.contains("40 more like it in the last 60 s") == true, "\(again)")
        #expect(await core.metrics().storeErrors["claim"] == 42)
    }

    @Test func theResendDelayGrowsWithTheOutageUpToItsCap() async throws {
        let faulty = Box<FaultyStore>()
        let farm = try await FarmHarness.make(wrap: { faulty.set(FaultyStore($0)) })
        defer { Task { await farm.cleanUp() } }
        _ = try await farm.submit(2)
        let link = RecordingLink()
        _ = try await farm.core.workerConnected(
            id: "w", name: "w", capabilities: farm.capabilities(maxBatch: 2), link: link)
        await farm.core.workerCredit(id: "w", items: 2)
        let leases = try #require(link.batches.first).items.map(\.lease)
        let png = StoredResult(sha256: String(repeating: "cd", count: 32), size: 1, location: "x")
        faulty.value.mode = .down
        var delays: [Double] = []
        for seconds in [0.0, 40, 400] {
            farm.clock.advance(by: seconds)
            await farm.core.workerResult(id: "w", lease: leases[0], png: png, latents: nil)
            if case .resultRetryLater(_, let after, let reason) = link.sent.last {
                delays.append(after)
                #expect(reason.contains("Connection refused"))
            }
        }
        #expect(delays == [5, 10, 30])
        // Back to health: the item is recorded on the next resend.
        faulty.value.mode = .healthy
        await farm.core.workerResult(id: "w", lease: leases[0], png: png, latents: nil)
        #expect(link.sent.last == .resultAccepted(leases[0]))
    }

    @Test func theLineLimiterCountsWhatItLeavesOut() {
        var limiter = RepeatedLineLimiter(interval: 10)
        let t = Date(timeIntervalSince1970: 0)
        #expect(limiter.admit("a", now: t) == "a")
        #expect(limiter.admit("a", now: t + 1) == nil)
        #expect(limiter.admit("b", now: t + 1) == "b")
        #expect(limiter.admit("a", now: t + 9.9) == nil)
        #expect(limiter.admit("a", now: t + 10) == "a (2 more like it in the last 10 s)")
        #expect(limiter.admit("a", now: t + 25) == "a")
    }
}

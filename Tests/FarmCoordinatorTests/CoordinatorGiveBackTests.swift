import FarmProtocol
import FarmStore
import Foundation
import Testing

@testable import FarmCoordinator
@testable import FarmTesting

/// Items go back to the queue through the store's own operations: `unclaim` when the worker
/// left while its claim ran (no attempt spent), `release` when a silent worker is dropped
/// (at once, as if expired) — never by shortening leases and sweeping (issue 12).
@Suite("Coordinator: giving items back", .serialized, .timeLimit(.minutes(2)))
struct CoordinatorGiveBackTests {
    @Test func aWorkerThatLeavesDuringItsClaimCostsTheItemsNoAttempt() async throws {
        let faulty = Box<FaultyStore>()
        let farm = try await FarmHarness.make(wrap: { faulty.set(FaultyStore($0)) })
        defer { Task { await farm.cleanUp() } }
        let job = try await farm.submit(2)
        let link = RecordingLink()
        let connection = try await farm.core.workerConnected(
            id: "w", name: "w", capabilities: farm.capabilities(maxBatch: 2), link: link)
        let core = farm.core
        faulty.value.onClaim {
            await core.workerDisconnected(id: "w", connection: connection, reason: "cut mid-claim")
        }
        await farm.core.workerCredit(id: "w", items: 2)
        #expect(link.batches.isEmpty)
        for item in try await farm.store.items(ItemFilter(job: job)) {
            #expect(item.state == .queued)
            #expect(item.attempt == 1)
            #expect(try await farm.store.failures(of: item.id).isEmpty)
        }
        #expect(try await farm.job(job).progress == JobProgress(total: 2, queued: 2))
    }

    @Test func aWorkerThatHeartbeatsWhileStuckStillLosesItsItemsAtTheCeiling() async throws {
        let farm = try await FarmHarness.make()
        defer { Task { await farm.cleanUp() } }
        let job = try await farm.submit(2)
        let link = RecordingLink()
        _ = try await farm.core.workerConnected(
            id: "w", name: "w", capabilities: farm.capabilities(maxBatch: 2), link: link)
        await farm.core.workerCredit(id: "w", items: 2)
        let batch = try #require(link.batches.first)
        // Heartbeats every 10 s and ticks every second, well past claim + 4 × TTL.
        let ceiling = CoordinatorConfig().lease.ceilingFactor * batch.leaseTTL
        var elapsed = 0.0
        while elapsed < ceiling + 20 {
            for _ in 0..<10 {
                farm.clock.advance(by: 1)
                elapsed += 1
                await farm.core.tick()
            }
            await farm.core.workerHeartbeat(id: "w")
        }
        #expect(await farm.core.metrics().leaseExpiries == 2)
        let cancelled = link.sent.flatMap { command -> [LeaseRef] in
            if case .cancel(let refs) = command { refs } else { [] }
        }
        #expect(Set(cancelled) == Set(batch.items.map(\.lease)))
        for item in try await farm.store.items(ItemFilter(job: job)) {
            #expect(item.attempt == 2)
        }
    }

    @Test func aSilentWorkersItemsGoBackAtOnceNotAfterAGrace() async throws {
        let farm = try await FarmHarness.make()
        defer { Task { await farm.cleanUp() } }
        let job = try await farm.submit(2)
        let link = RecordingLink()
        _ = try await farm.core.workerConnected(
            id: "w", name: "w", capabilities: farm.capabilities(maxBatch: 2), link: link)
        await farm.core.workerCredit(id: "w", items: 2)
        #expect(link.batches.first?.items.count == 2)
        // No heartbeat for longer than the timeout: the worker is dropped and its items are
        // released in the same tick (nothing else connected takes them here).
        farm.clock.advance(by: CoordinatorConfig().heartbeatTimeout + 1)
        await farm.core.tick()
        #expect(link.closed?.contains("no heartbeat") == true)
        for item in try await farm.store.items(ItemFilter(job: job)) {
            #expect(item.state == .queued)
            #expect(item.attempt == 2)
            let failures = try await farm.store.failures(of: item.id)
            #expect(failures.count == 1)
            #expect(failures.first?.message.contains("lease released") == true)
        }
    }
}

/// Dispatch skips batch keys a worker cannot serve (issue 12).
@Suite("Coordinator: dispatch around blocks", .serialized, .timeLimit(.minutes(2)))
struct CoordinatorDispatchBlockTests {
    @Test func aWorkerBlockedForTheTopKeyGetsOtherWorkInTheSameRound() async throws {
        let farm = try await FarmHarness.make()
        defer { Task { await farm.cleanUp() } }
        var other = farm.key
        other.steps = 4
        // The top-ranked key (more items queued), in a job that blocked w.
        let top = try await farm.submit(6)
        try await farm.store.block(worker: "w", job: top, now: farm.clock.now())
        let small = try await farm.core.submit(
            owner: "test", priority: 0, settings: "{}",
            items: [SubmittedItem(prompt: "other", negativePrompt: "", seed: 1, key: other)]
        ).job
        let link = RecordingLink()
        _ = try await farm.core.workerConnected(
            id: "w", name: "w", capabilities: farm.capabilities(maxBatch: 2), link: link)
        await farm.core.workerCredit(id: "w", items: 2)
        let batch = try #require(link.batches.first)
        #expect(batch.key == other)
        #expect(batch.items.map(\.job) == [small.rawValue])
        #expect(try await farm.job(top).progress.leased == 0)
    }

    @Test func blocksComeFromTheStoreAndSurviveARestart() async throws {
        let farm = try await FarmHarness.make()
        let job = try await farm.submit(8)
        let bad = RecordingLink(), good = RecordingLink()
        _ = try await farm.core.workerConnected(
            id: "bad", name: "bad", capabilities: farm.capabilities(maxBatch: 4), link: bad)
        await farm.core.workerCredit(id: "bad", items: 3)
        for item in try #require(bad.batches.first).items {
            await farm.core.workerFailure(
                id: "bad", lease: item.lease, cause: .worker, message: "NaN in the U-Net")
        }
        _ = try await farm.core.workerConnected(
            id: "good", name: "good", capabilities: farm.capabilities(maxBatch: 1), link: good)
        await farm.core.workerCredit(id: "good", items: 1)
        let first = try #require(good.batches.first?.items.first)
        await farm.core.workerResult(
            id: "good", lease: first.lease,
            png: StoredResult(sha256: String(repeating: "ab", count: 32), size: 1, location: "x"),
            latents: nil)
        #expect(try await farm.store.blockedWorkers(job: job).map(\.worker) == ["bad"])

        // A new coordinator on the same database knows the block: nothing of the job for
        // "bad", and `why` says so once "bad" is the only worker holding the model.
        let again = try await farm.restarted()
        defer { Task { await again.cleanUp() } }
        let link = RecordingLink()
        _ = try await again.core.workerConnected(
            id: "bad", name: "bad", capabilities: again.capabilities(maxBatch: 4), link: link)
        await again.core.workerCredit(id: "bad", items: 4)
        #expect(link.batches.isEmpty)
        let why = await again.core.summary(of: try await again.job(job)).waiting
        #expect(why == "every worker holding \(again.model) is blocked for this job")
        // Lifted by hand: work flows at once.
        #expect(try await again.core.unblock(job: job, worker: "bad") == 1)
        #expect(link.batches.count == 1)
    }

    @Test func thePolicySkipsPairsRuledOut() {
        let policy = DispatchPolicy()
        let a = RenderSettings(
            model: "m", width: 64, height: 64, steps: 3, sampler: "euler", schedule: "default", cfg: 5)
        var b = a
        b.steps = 4
        let offers = [DispatchPolicy.Offer(worker: "w", credit: 2, batchLimit: 2, models: ["m"])]
        let queue = [
            DispatchPolicy.Waiting(key: a, queued: 6, priority: 0),
            DispatchPolicy.Waiting(key: b, queued: 1, priority: 0),
        ]
        #expect(
            policy.plan(offers: offers, queue: queue, connectedModels: ["m"]).assignments.map(\.key) == [a])
        let plan = policy.plan(
            offers: offers, queue: queue, connectedModels: ["m"], cannotServe: [.init(worker: "w", key: a)])
        #expect(plan.assignments == [DispatchPolicy.Assignment(worker: "w", key: b, count: 1)])
    }
}

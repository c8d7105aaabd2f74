import Foundation
import Testing

@testable import FarmStore

/// Leases: renewal, expiry, and what comes back.
@Suite struct LeaseConformanceTests {
    @Test(arguments: Backend.all)
    func expiredLeasesComeBackAndRenewedOnesStay(_ backend: Backend) async throws {
        try await withStore(backend, policy: StorePolicy(maxAttempts: 2, blockAfterFailures: 3)) { store, _ in
            let id = try await store.submit(job(count: 3), now: t0)
            let claimed = try await store.claim(
                worker: "w", batchKey: nil, limit: 3, leaseDuration: 10, now: t0)
            #expect(try await store.requeueExpiredLeases(now: t0 + 9.999).isEmpty)

            let renewal = try await store.renew(
                [claimed[0].lease], worker: "w", leaseDuration: 10, now: t0 + 5)
            #expect(renewal == RenewalOutcome(renewed: [claimed[0].id], lost: []))
            #expect(try await store.item(claimed[0].id)?.leaseExpiresAt == t0 + 15)

            let expired = try await store.requeueExpiredLeases(now: t0 + 10)
            #expect(expired.map(\.item) == [claimed[1].id, claimed[2].id])
            #expect(expired.allSatisfy { $0.newState == .queued && $0.worker == "w" && $0.job == id })
            #expect(try await store.job(id)?.progress == JobProgress(total: 3, queued: 2, leased: 1))
            let record = try #require(try await store.item(claimed[1].id))
            #expect(record.attempt == 2)
            #expect(record.leaseOwner == nil)
            #expect(record.lastError?.contains("lease expired") == true)
            let failures = try await store.failures(of: claimed[1].id)
            #expect(failures.count == 1)
            #expect(failures.first?.leaseExpired == true)
            #expect(failures.first?.worker == "w")

            // Claimed again, then expired on the last attempt: failed for good.
            let again = try await store.claim(
                worker: "v", batchKey: nil, limit: 3, leaseDuration: 10, now: t0 + 11)
            #expect(again.map(\.id) == [claimed[1].id, claimed[2].id])
            let last = try await store.requeueExpiredLeases(now: t0 + 30)
            #expect(Set(last.map(\.item)) == Set(claimed.map(\.id)))
            #expect(last.first { $0.item == claimed[0].id }?.newState == .queued)
            #expect(last.filter { $0.item != claimed[0].id }.allSatisfy { $0.newState == .failed })
            #expect(try await store.job(id)?.progress == JobProgress(total: 3, queued: 1, failed: 2))
            try await expectCountsConsistent(store, id)
        }
    }

    /// Found by scripts/chaos: a worker killed again and again used up the items it held
    /// (three ended leases on two workers failed them). Ended leases count per worker; a
    /// bound on all tries still stops a one-worker farm.
    @Test(arguments: Backend.all)
    func endedLeasesFailAnItemOnlyOnDifferentWorkersOrAfterManyTries(_ backend: Backend) async throws {
        try await withStore(backend, policy: StorePolicy(maxAttempts: 3, maxLeaseEnds: 5)) { store, _ in
            let id = try await store.submit(job(count: 1), now: t0)
            var now = t0
            func claimAndExpire(_ worker: WorkerID) async throws -> ExpiredLease? {
                let claimed = try await store.claim(
                    worker: worker, batchKey: nil, limit: 1, leaseDuration: 10, now: now)
                #expect(claimed.count == 1)
                now += 20
                return try await store.requeueExpiredLeases(now: now).first
            }
            // The same worker three times: still queued.
            for _ in 0..<3 { #expect(try await claimAndExpire("w")?.newState == .queued) }
            // A second worker: two workers so far, still queued; a third: failed.
            #expect(try await claimAndExpire("v")?.newState == .queued)
            #expect(try await claimAndExpire("u")?.newState == .failed)
            #expect(try await store.job(id)?.progress == JobProgress(total: 1, failed: 1))
            try await expectCountsConsistent(store, id)

            // One worker only: the fifth try's ended lease fails the item.
            let lonely = try await store.submit(job(count: 1), now: now)
            var states: [ItemState] = []
            for _ in 0..<5 { states.append(try #require(try await claimAndExpire("w")).newState) }
            #expect(states == [.queued, .queued, .queued, .queued, .failed])
            try await expectCountsConsistent(store, lonely)
        }
    }

    @Test(arguments: Backend.all)
    func renewalIsRefusedForLeasesTheWorkerNoLongerHolds(_ backend: Backend) async throws {
        try await withStore(backend) { store, _ in
            _ = try await store.submit(job(count: 3), now: t0)
            let claimed = try await store.claim(
                worker: "w", batchKey: nil, limit: 3, leaseDuration: 10, now: t0)
            _ = try await store.complete(claimed[2].lease, worker: "w", result: aResult, now: t0 + 1)
            let stale = LeaseToken(item: claimed[1].id, fence: claimed[1].fence - 1)
            let outcome = try await store.renew(
                [claimed[0].lease, stale, claimed[2].lease], worker: "w", leaseDuration: 30, now: t0 + 2)
            #expect(outcome.renewed == [claimed[0].id])
            #expect(outcome.lost == [claimed[1].id, claimed[2].id])
            let byAnother = try await store.renew(
                [claimed[0].lease], worker: "intruder", leaseDuration: 30, now: t0 + 3)
            #expect(byAnother == RenewalOutcome(renewed: [], lost: [claimed[0].id]))
            #expect(try await store.item(claimed[0].id)?.leaseExpiresAt == t0 + 32)
        }
    }

    @Test(arguments: Backend.all)
    func manyExpiredLeasesAreAllRequeued(_ backend: Backend) async throws {
        try await withStore(backend) { store, _ in
            let id = try await store.submit(job(count: 1_200), now: t0)
            var claimed = 0
            while true {
                let batch = try await store.claim(
                    worker: "w", batchKey: nil, limit: 400, leaseDuration: 10, now: t0)
                if batch.isEmpty { break }
                claimed += batch.count
            }
            #expect(claimed == 1_200)
            // More than one internal slice of 500.
            #expect(try await store.requeueExpiredLeases(now: t0 + 10).count == 1_200)
            #expect(try await store.job(id)?.progress == JobProgress(total: 1_200, queued: 1_200))
        }
    }

    @Test(arguments: Backend.all)
    func aGoneWorkersLeasesComeBackAtOnce(_ backend: Backend) async throws {
        try await withStore(backend, policy: StorePolicy(maxAttempts: 2, blockAfterFailures: 1)) { store, _ in
            let id = try await store.submit(job(count: 4), now: t0)
            let mine = try await store.claim(
                worker: "gone", batchKey: nil, limit: 2, leaseDuration: 600, now: t0)
            let theirs = try await store.claim(
                worker: "alive", batchKey: nil, limit: 1, leaseDuration: 600, now: t0)
            let released = try await store.releaseLeases(of: "gone", now: t0 + 1)
            #expect(released.map(\.item) == mine.map(\.id))
            #expect(released.allSatisfy { $0.newState == .queued && $0.worker == "gone" })
            #expect(try await store.item(theirs[0].id)?.state == .leased)
            #expect(try await store.job(id)?.progress == JobProgress(total: 4, queued: 3, leased: 1))
            #expect(try await store.failures(of: mine[0].id).first?.message.contains("worker gone") == true)
            // Not counted against the worker: no block, even with a threshold of one.
            let done = try await store.claim(
                worker: "alive", batchKey: nil, limit: 1, leaseDuration: 600, now: t0 + 2)
            _ = try await store.complete(done[0].lease, worker: "alive", result: aResult, now: t0 + 2)
            #expect(try await store.blockedWorkers(job: id).isEmpty)
            // The late report of the gone worker is still taken while nobody else has the item.
            #expect(
                try await store.complete(mine[1].lease, worker: "gone", result: aResult, now: t0 + 3)
                    == .completed)
            #expect(try await store.releaseLeases(of: "gone", now: t0 + 4).isEmpty)
            try await expectCountsConsistent(store, id)
        }
    }

    @Test(arguments: Backend.all)
    func unclaimedItemsGoBackWithoutCostingAnAttempt(_ backend: Backend) async throws {
        try await withStore(backend) { store, _ in
            let id = try await store.submit(job(count: 3), now: t0)
            let claimed = try await store.claim(
                worker: "w", batchKey: nil, limit: 3, leaseDuration: 60, now: t0)
            _ = try await store.complete(claimed[2].lease, worker: "w", result: aResult, now: t0 + 1)
            let stale = LeaseToken(item: claimed[1].id, fence: 0)
            #expect(try await store.unclaim([claimed[0].lease], worker: "intruder", now: t0 + 2).isEmpty)
            let returned = try await store.unclaim(
                [claimed[0].lease, stale, claimed[2].lease], worker: "w", now: t0 + 2)
            #expect(returned == [claimed[0].id])
            let item = try #require(try await store.item(claimed[0].id))
            #expect(item.state == .queued && item.attempt == 1 && item.leaseOwner == nil)
            #expect(try await store.failures(of: claimed[0].id).isEmpty)
            #expect(try await store.job(id)?.progress == JobProgress(total: 3, queued: 1, leased: 1, done: 1))
            let again = try await store.claim(
                worker: "v", batchKey: nil, limit: 3, leaseDuration: 60, now: t0 + 3)
            #expect(again.map(\.id) == [claimed[0].id])
            #expect(again.first?.attempt == 1)
            try await expectCountsConsistent(store, id)
        }
    }
}

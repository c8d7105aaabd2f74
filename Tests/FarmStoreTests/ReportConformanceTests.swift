import Foundation
import Testing

@testable import FarmStore

/// Completions and failures: idempotence, fences, retries, blocking.
@Suite struct ReportConformanceTests {
    @Test(arguments: Backend.all)
    func completionIsIdempotentAndFinishesTheJob(_ backend: Backend) async throws {
        try await withStore(backend) { store, _ in
            let id = try await store.submit(job(count: 2), now: t0)
            let claimed = try await store.claim(
                worker: "w", batchKey: nil, limit: 2, leaseDuration: 60, now: t0)
            #expect(
                try await store.complete(claimed[0].lease, worker: "w", result: aResult, now: t0 + 1)
                    == .completed)
            #expect(
                try await store.complete(claimed[0].lease, worker: "w", result: aResult, now: t0 + 2)
                    == .alreadyCompleted)
            #expect(try await store.job(id)?.state == .active)
            #expect(
                try await store.complete(claimed[1].lease, worker: "w", result: aResult, now: t0 + 3)
                    == .completed)
            let record = try #require(try await store.job(id))
            #expect(record.state == .done)
            #expect(record.finishedAt == t0 + 3)
            #expect(record.progress == JobProgress(total: 2, done: 2))
            let item = try #require(try await store.item(claimed[0].id))
            #expect(item.state == .done)
            #expect(item.result == aResult)
            #expect(item.completedBy == "w")
            #expect(item.leaseOwner == nil && item.leaseExpiresAt == nil)
            try await expectCountsConsistent(store, id)
        }
    }

    @Test(arguments: Backend.all)
    func staleFencesAreRefused(_ backend: Backend) async throws {
        try await withStore(backend) { store, _ in
            let id = try await store.submit(job(count: 1), now: t0)
            let first = try #require(
                try await store.claim(worker: "w1", batchKey: nil, limit: 1, leaseDuration: 10, now: t0).first
            )
            _ = try await store.requeueExpiredLeases(now: t0 + 10)
            let second = try #require(
                try await store.claim(worker: "w2", batchKey: nil, limit: 1, leaseDuration: 10, now: t0 + 11)
                    .first)
            #expect(second.id == first.id)
            #expect(second.fence == first.fence + 1)

            #expect(
                try await store.complete(first.lease, worker: "w1", result: aResult, now: t0 + 12)
                    == .staleFence(current: second.fence))
            #expect(
                try await store.fail(first.lease, worker: "w1", kind: .transient, message: "x", now: t0 + 12)
                    == .staleFence(current: second.fence))
            #expect(try await store.item(first.id)?.state == .leased)
            #expect(
                try await store.complete(second.lease, worker: "w2", result: aResult, now: t0 + 13)
                    == .completed)
            #expect(
                try await store.complete(first.lease, worker: "w1", result: aResult, now: t0 + 14)
                    == .staleFence(current: second.fence))
            #expect(try await store.item(first.id)?.completedBy == "w2")
            let unknown = LeaseToken(item: ItemID(987_654_321), fence: 1)
            do {
                _ = try await store.complete(unknown, worker: "w", result: aResult, now: t0)
                Issue.record("completing an unknown item succeeded")
            } catch let error as StoreError {
                #expect(error.kind == .notFound)
                #expect(error.item == unknown.item)
                #expect(error.description.contains("complete"))
            }
            try await expectCountsConsistent(store, id)
        }
    }

    @Test(arguments: Backend.all)
    func aLateCompletionIsKeptWhenNobodyClaimedTheItemSince(_ backend: Backend) async throws {
        try await withStore(backend) { store, _ in
            let id = try await store.submit(job(count: 1), now: t0)
            let claimed = try #require(
                try await store.claim(worker: "w", batchKey: nil, limit: 1, leaseDuration: 10, now: t0).first)
            #expect(try await store.requeueExpiredLeases(now: t0 + 20).count == 1)
            #expect(try await store.item(claimed.id)?.state == .queued)
            #expect(
                try await store.complete(claimed.lease, worker: "w", result: aResult, now: t0 + 21)
                    == .completed)
            #expect(try await store.job(id)?.state == .done)
            try await expectCountsConsistent(store, id)
        }
    }

    @Test(arguments: Backend.all)
    func retryableFailuresRequeueUpToTheBoundThenFail(_ backend: Backend) async throws {
        try await withStore(backend, policy: StorePolicy(maxAttempts: 3, blockAfterFailures: 100)) {
            store, _ in
            let id = try await store.submit(job(count: 1), now: t0)
            var outcomes: [FailureOutcome] = []
            for round in 0..<3 {
                let now = t0 + Double(round)
                let claimed = try #require(
                    try await store.claim(
                        worker: "w\(round)", batchKey: nil, limit: 1, leaseDuration: 10, now: now
                    ).first)
                #expect(claimed.attempt == round + 1)
                outcomes.append(
                    try await store.fail(
                        claimed.lease, worker: "w\(round)", kind: .transient, message: "boom \(round)",
                        now: now))
            }
            #expect(outcomes == [.requeued(attempt: 2), .requeued(attempt: 3), .failed])
            let item = try #require(try await store.items(ItemFilter(job: id)).first)
            #expect(item.state == .failed)
            #expect(item.lastError == "boom 2")
            let failures = try await store.failures(of: item.id)
            #expect(failures.map(\.message) == ["boom 0", "boom 1", "boom 2"])
            #expect(failures.map(\.attempt) == [1, 2, 3])
            #expect(failures.map(\.worker) == ["w0", "w1", "w2"])
            #expect(failures.allSatisfy { $0.kind == .transient && !$0.leaseExpired })
            let failed = try #require(try await store.job(id))
            #expect(failed.state == .failed)
            #expect(failed.progress == JobProgress(total: 1, failed: 1))

            #expect(try await store.retryFailed(id, now: t0 + 10) == 1)
            let retried = try #require(try await store.job(id))
            #expect(retried.state == .active)
            #expect(retried.finishedAt == nil)
            #expect(retried.progress == JobProgress(total: 1, queued: 1))
            let again = try #require(
                try await store.claim(worker: "w", batchKey: nil, limit: 1, leaseDuration: 10, now: t0 + 11)
                    .first)
            #expect(again.attempt == 1)
            #expect(try await store.retryFailed(id, now: t0 + 12) == 0)
            try await expectCountsConsistent(store, id)
        }
    }

    @Test(arguments: Backend.all)
    func permanentFailuresFailAtOnce(_ backend: Backend) async throws {
        try await withStore(backend) { store, _ in
            let id = try await store.submit(job(count: 2), now: t0)
            let claimed = try await store.claim(
                worker: "w", batchKey: nil, limit: 2, leaseDuration: 10, now: t0)
            #expect(
                try await store.fail(
                    claimed[0].lease, worker: "w", kind: .permanent, message: "unknown model", now: t0)
                    == .failed)
            #expect(
                try await store.fail(
                    claimed[0].lease, worker: "w", kind: .permanent, message: "again", now: t0)
                    == .notRunning(.failed))
            #expect(
                try await store.complete(claimed[0].lease, worker: "w", result: aResult, now: t0)
                    == .notRunning(.failed))
            #expect(
                try await store.fail(
                    claimed[1].lease, worker: "w", kind: .outOfMemory, message: "oom", now: t0)
                    == .requeued(attempt: 2))
            #expect(try await store.job(id)?.progress == JobProgress(total: 2, queued: 1, failed: 1))
            try await expectCountsConsistent(store, id)
        }
    }

    @Test(arguments: Backend.all)
    func aWorkerIsBlockedOnlyWhereTheWorkSucceedsElsewhere(_ backend: Backend) async throws {
        try await withStore(backend, policy: StorePolicy(maxAttempts: 10, blockAfterFailures: 2)) {
            store, _ in
            let id = try await store.submit(job(count: 8), now: t0)
            // Two failures on w1 while nothing has succeeded anywhere: maybe the job is bad.
            for claimed in try await store.claim(
                worker: "w1", batchKey: nil, limit: 2, leaseDuration: 10, now: t0)
            {
                _ = try await store.fail(
                    claimed.lease, worker: "w1", kind: .transient, message: "nan", now: t0)
            }
            // Out-of-memory failures never count.
            for claimed in try await store.claim(
                worker: "w3", batchKey: nil, limit: 2, leaseDuration: 10, now: t0)
            {
                _ = try await store.fail(
                    claimed.lease, worker: "w3", kind: .outOfMemory, message: "oom", now: t0)
            }
            #expect(try await store.blockedWorkers(job: id).isEmpty)

            // The same work succeeds on w2: w1 is blocked, w3 is not.
            let good = try #require(
                try await store.claim(worker: "w2", batchKey: nil, limit: 1, leaseDuration: 10, now: t0 + 1)
                    .first)
            #expect(
                try await store.complete(good.lease, worker: "w2", result: aResult, now: t0 + 1) == .completed
            )
            let blocked = try await store.blockedWorkers(job: id)
            #expect(blocked.map(\.worker) == ["w1"])
            #expect(blocked.first?.failures == 2)
            #expect(blocked.first?.blockedAt == t0 + 1)
            #expect(
                try await store.claim(worker: "w1", batchKey: nil, limit: 1, leaseDuration: 10, now: t0 + 2)
                    .isEmpty)

            // With the job proven good, w4 is blocked by its second failure at once.
            for claimed in try await store.claim(
                worker: "w4", batchKey: nil, limit: 2, leaseDuration: 10, now: t0 + 3)
            {
                _ = try await store.fail(
                    claimed.lease, worker: "w4", kind: .transient, message: "bad card", now: t0 + 3)
            }
            #expect(try await store.blockedWorkers(job: id).map(\.worker) == ["w1", "w4"])

            // "Unblock all since T" lifts the blocks and forgives the failures behind them.
            #expect(try await store.unblock(job: nil, since: t0 + 2) == 1)  // w4 only
            #expect(try await store.unblock(job: id, since: t0) == 1)  // then w1
            #expect(try await store.blockedWorkers(job: id).isEmpty)
            let more = try #require(
                try await store.claim(worker: "w2", batchKey: nil, limit: 1, leaseDuration: 10, now: t0 + 4)
                    .first)
            #expect(
                try await store.complete(more.lease, worker: "w2", result: aResult, now: t0 + 4) == .completed
            )
            #expect(try await store.blockedWorkers(job: id).isEmpty)
            #expect(
                try await store.claim(worker: "w1", batchKey: nil, limit: 1, leaseDuration: 10, now: t0 + 5)
                    .count == 1)
            try await expectCountsConsistent(store, id)
        }
    }

    @Test(arguments: Backend.all)
    func aBatchOfCompletionsIsOneTransactionWithTheSameRules(_ backend: Backend) async throws {
        try await withStore(backend) { store, _ in
            let a = try await store.submit(job(count: 2), now: t0)
            let b = try await store.submit(job(count: 1), now: t0)
            let claimed = try await store.claim(
                worker: "w", batchKey: nil, limit: 3, leaseDuration: 60, now: t0)
            #expect(Set(claimed.map(\.job)) == [a, b])
            let stale = LeaseToken(item: claimed[0].id, fence: claimed[0].fence + 7)
            let reports = [
                CompletionReport(lease: claimed[2].lease, worker: "w", result: aResult),
                CompletionReport(lease: stale, worker: "w", result: aResult),
                CompletionReport(lease: claimed[0].lease, worker: "w", result: aResult),
                CompletionReport(lease: claimed[0].lease, worker: "w", result: aResult),
                CompletionReport(lease: claimed[1].lease, worker: "w", result: aResult),
            ]
            let outcomes = try await store.complete(reports, now: t0 + 1)
            #expect(
                outcomes == [
                    .completed, .staleFence(current: claimed[0].fence), .completed, .alreadyCompleted,
                    .completed,
                ])
            #expect(try await store.job(a)?.state == .done)
            #expect(try await store.job(b)?.state == .done)
            #expect(try await store.complete([], now: t0 + 2).isEmpty)
            // An unknown item refuses the whole batch: nothing of it is kept.
            let c = try await store.submit(job(count: 1), now: t0 + 3)
            let last = try #require(
                try await store.claim(worker: "w", batchKey: nil, limit: 1, leaseDuration: 60, now: t0 + 3)
                    .first)
            await #expect(throws: StoreError.self) {
                try await store.complete(
                    [
                        CompletionReport(lease: last.lease, worker: "w", result: aResult),
                        CompletionReport(
                            lease: LeaseToken(item: ItemID(987_654_321), fence: 1), worker: "w",
                            result: aResult),
                    ],
                    now: t0 + 4)
            }
            #expect(try await store.item(last.id)?.state == .leased)
            for id in [a, b, c] { try await expectCountsConsistent(store, id) }
        }
    }
}

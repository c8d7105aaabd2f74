import Foundation
import Testing

@testable import FarmStore

/// Claiming: order, batch keys, what is never handed out, fences.
@Suite struct ClaimConformanceTests {
    @Test(arguments: Backend.all)
    func claimsFollowPriorityThenFairShareThenAge(_ backend: Backend) async throws {
        try await withStore(backend) { store, _ in
            let a = try await store.submit(job(count: 4), now: t0)
            let b = try await store.submit(job(count: 4), now: t0 + 1)
            let c = try await store.submit(job(priority: 5, count: 2), now: t0 + 2)
            func next(_ limit: Int) async throws -> [String] {
                try await store.claim(
                    worker: "w", batchKey: nil, limit: limit, leaseDuration: 60, now: t0 + 10
                ).map {
                    "\($0.job == a ? "A" : $0.job == b ? "B" : $0.job == c ? "C" : "?")\($0.index)"
                }
            }
            #expect(try await next(1) == ["C0"])  // priority first
            #expect(try await next(3) == ["C1", "A0", "A1"])  // then the older of equals
            #expect(try await next(1) == ["B0"])  // B has fewer leased than A: fair share
            #expect(try await next(1) == ["B1"])
            #expect(try await next(1) == ["A2"])  // equal again: age
            _ = try await store.setPriority(b, priority: 9, now: t0 + 11)
            #expect(try await next(5) == ["B2", "B3", "A3"])
            #expect(try await next(5) == [])
            for id in [a, b, c] { try await expectCountsConsistent(store, id) }
        }
    }

    @Test(arguments: Backend.all)
    func aClaimHoldsOneBatchKey(_ backend: Backend) async throws {
        try await withStore(backend) { store, _ in
            let x = try await store.submit(job(keys: ["a", "b", "a", "b", "a"]), now: t0)
            let y = try await store.submit(job(keys: ["b", "b"]), now: t0 + 1)
            let first = try await store.claim(
                worker: "w", batchKey: nil, limit: 10, leaseDuration: 60, now: t0)
            #expect(first.map(\.job) == [x, x, x])
            #expect(first.map(\.index) == [0, 2, 4])
            #expect(first.allSatisfy { $0.spec.batchKey == "a" })
            // Y now has fewer items leased, so it leads and sets the key; X's b items fill up.
            let second = try await store.claim(
                worker: "w", batchKey: nil, limit: 10, leaseDuration: 60, now: t0)
            #expect(second.map(\.job) == [y, y, x, x])
            #expect(second.map(\.index) == [0, 1, 1, 3])
            #expect(second.allSatisfy { $0.spec.batchKey == "b" })
            #expect(
                try await store.claim(worker: "w", batchKey: "a", limit: 10, leaseDuration: 60, now: t0)
                    .isEmpty)
        }
    }

    @Test(arguments: Backend.all)
    func anExplicitBatchKeyIsHonoured(_ backend: Backend) async throws {
        try await withStore(backend) { store, _ in
            _ = try await store.submit(job(keys: ["a", "b", "a", "c"]), now: t0)
            let claimed = try await store.claim(
                worker: "w", batchKey: "c", limit: 10, leaseDuration: 60, now: t0)
            #expect(claimed.map(\.index) == [3])
            #expect(
                try await store.claim(worker: "w", batchKey: "zzz", limit: 10, leaseDuration: 60, now: t0)
                    .isEmpty)
            let keys = try await store.queuedBatchKeys(limit: 10)
            #expect(
                keys == [
                    QueuedBatchKey(batchKey: "a", queued: 2, topPriority: 0),
                    QueuedBatchKey(batchKey: "b", queued: 1, topPriority: 0),
                ])
        }
    }

    @Test(arguments: Backend.all)
    func queuedBatchKeysRankByPriorityThenCount(_ backend: Backend) async throws {
        try await withStore(backend) { store, _ in
            _ = try await store.submit(job(priority: 1, keys: ["x", "y", "y"]), now: t0)
            _ = try await store.submit(job(priority: 3, keys: ["z"]), now: t0)
            let paused = try await store.submit(job(priority: 9, keys: ["p"]), now: t0)
            _ = try await store.pause(paused, now: t0)
            #expect(
                try await store.queuedBatchKeys(limit: 10) == [
                    QueuedBatchKey(batchKey: "z", queued: 1, topPriority: 3),
                    QueuedBatchKey(batchKey: "y", queued: 2, topPriority: 1),
                    QueuedBatchKey(batchKey: "x", queued: 1, topPriority: 1),
                ])
            #expect(try await store.queuedBatchKeys(limit: 1).count == 1)
        }
    }

    @Test(arguments: Backend.all)
    func pausedCancelledAndBlockingJobsAreNotHandedOut(_ backend: Backend) async throws {
        try await withStore(backend) { store, _ in
            let paused = try await store.submit(job(count: 2), now: t0)
            let cancelled = try await store.submit(job(count: 2), now: t0)
            let blocking = try await store.submit(job(count: 2), now: t0)
            _ = try await store.pause(paused, now: t0)
            _ = try await store.cancel(cancelled, now: t0)
            try await store.block(worker: "w", job: blocking, now: t0)
            #expect(
                try await store.claim(worker: "w", batchKey: nil, limit: 10, leaseDuration: 60, now: t0)
                    .isEmpty)
            #expect(
                try await store.claim(worker: "other", batchKey: nil, limit: 10, leaseDuration: 60, now: t0)
                    .map(\.job) == [blocking, blocking])
            _ = try await store.resume(paused, now: t0)
            #expect(
                try await store.claim(worker: "w", batchKey: nil, limit: 10, leaseDuration: 60, now: t0).map(
                    \.job) == [paused, paused])
        }
    }

    @Test(arguments: Backend.all)
    func everyClaimBumpsTheFence(_ backend: Backend) async throws {
        try await withStore(backend) { store, _ in
            let id = try await store.submit(job(count: 1), now: t0)
            var fences: [Int64] = []
            for round in 0..<3 {
                let now = t0 + Double(round) * 100
                let claimed = try await store.claim(
                    worker: "w\(round)", batchKey: nil, limit: 1, leaseDuration: 10, now: now)
                try #require(claimed.count == 1)
                fences.append(claimed[0].fence)
                #expect(claimed[0].attempt == round + 1)
                #expect(claimed[0].leaseExpiresAt == now + 10)
                #expect(try await store.requeueExpiredLeases(now: now + 10).map(\.item) == [claimed[0].id])
            }
            #expect(fences == [1, 2, 3])
            try await expectCountsConsistent(store, id)
        }
    }

    @Test(arguments: Backend.all)
    func badClaimArgumentsAreRefused(_ backend: Backend) async throws {
        try await withStore(backend) { store, _ in
            await #expect(throws: StoreError.self) {
                try await store.claim(worker: "w", batchKey: nil, limit: 0, leaseDuration: 10, now: t0)
            }
            await #expect(throws: StoreError.self) {
                try await store.claim(worker: "w", batchKey: nil, limit: 1, leaseDuration: 0, now: t0)
            }
        }
    }

    @Test(arguments: Backend.all)
    func aClaimLooksPastManyJobsThatCannotServeIt(_ backend: Backend) async throws {
        try await withStore(backend) { store, _ in
            var wanted: [JobID] = []
            for number in 0..<45 {
                let id = try await store.submit(job(keys: [number < 40 ? "b" : "a"]), now: t0)
                if number >= 40 { wanted.append(id) }
            }
            let claimed = try await store.claim(
                worker: "w", batchKey: "a", limit: 10, leaseDuration: 60, now: t0)
            #expect(claimed.map(\.job) == wanted)
            let rest = try await store.claim(
                worker: "w", batchKey: nil, limit: 100, leaseDuration: 60, now: t0)
            #expect(rest.count == 40)
            #expect(Set(rest.map(\.job)).count == 40)
        }
    }
}

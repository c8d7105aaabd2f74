import Foundation
import Testing

@testable import FarmStore

/// Giving leases back (`release`) and lifting one job's blocks (`unblock(job:worker:)`).
@Suite struct ReleaseConformanceTests {
    @Test(arguments: Backend.all)
    func releaseEndsOnlyTheGivenLeasesAsIfTheyHadExpired(_ backend: Backend) async throws {
        try await withStore(backend, policy: StorePolicy(maxAttempts: 2, blockAfterFailures: 3)) { store, _ in
            let id = try await store.submit(job(count: 4), now: t0)
            let claimed = try await store.claim(
                worker: "w", batchKey: nil, limit: 3, leaseDuration: 60, now: t0)
            let stale = LeaseToken(item: claimed[2].id, fence: claimed[2].fence - 1)
            let ended = try await store.release(
                [claimed[0].lease, claimed[1].lease, stale], worker: "w", now: t0 + 1)
            #expect(ended.map(\.item) == [claimed[0].id, claimed[1].id])
            #expect(ended.allSatisfy { $0.newState == .queued && $0.worker == "w" && $0.job == id })
            // Another worker's name, or a lease already given back: nothing happens.
            #expect(try await store.release([claimed[2].lease], worker: "intruder", now: t0 + 1).isEmpty)
            #expect(try await store.release([claimed[0].lease], worker: "w", now: t0 + 1).isEmpty)
            #expect(try await store.release([], worker: "w", now: t0 + 1).isEmpty)

            let record = try #require(try await store.item(claimed[0].id))
            #expect(record.state == .queued)
            #expect(record.attempt == 2)
            #expect(record.leaseOwner == nil)
            let failures = try await store.failures(of: claimed[0].id)
            #expect(failures.count == 1)
            #expect(failures.first?.leaseExpired == true)
            #expect(failures.first?.message.contains("lease released") == true)
            // The third lease still runs; no sweep was needed or done.
            #expect(try await store.item(claimed[2].id)?.state == .leased)
            #expect(try await store.job(id)?.progress == JobProgress(total: 4, queued: 3, leased: 1))

            // A late result under the released fence is still good while nobody claimed it.
            #expect(
                try await store.complete(claimed[1].lease, worker: "w", result: aResult, now: t0 + 2)
                    == .completed)
            // On its last attempt, a released item fails for good.
            let again = try #require(
                try await store.claim(worker: "v", batchKey: nil, limit: 1, leaseDuration: 60, now: t0 + 3)
                    .first)
            #expect(again.id == claimed[0].id)
            #expect(
                try await store.release([again.lease], worker: "v", now: t0 + 4).map(\.newState) == [.failed])
            try await expectCountsConsistent(store, id)
        }
    }

    @Test(arguments: Backend.all)
    func unblockOneJobForOneWorkerOrAll(_ backend: Backend) async throws {
        try await withStore(backend, policy: StorePolicy(maxAttempts: 10, blockAfterFailures: 2)) {
            store, _ in
            let id = try await store.submit(job(count: 12), now: t0)
            let other = try await store.submit(job(count: 1), now: t0)
            try await store.block(worker: "w2", job: other, now: t0)
            for worker in ["w1", "w3"] {
                for claimed in try await store.claim(
                    worker: WorkerID(worker), batchKey: nil, limit: 2, leaseDuration: 10, now: t0)
                {
                    _ = try await store.fail(
                        claimed.lease, worker: WorkerID(worker), kind: .transient, message: "disk full",
                        now: t0)
                }
            }
            let good = try #require(
                try await store.claim(worker: "w2", batchKey: nil, limit: 1, leaseDuration: 10, now: t0 + 1)
                    .first)
            #expect(
                try await store.complete(good.lease, worker: "w2", result: aResult, now: t0 + 1) == .completed
            )
            #expect(try await store.blockedWorkers(job: id).map(\.worker) == ["w1", "w3"])

            #expect(try await store.unblock(job: id, worker: "w1") == 1)
            #expect(try await store.blockedWorkers(job: id).map(\.worker) == ["w3"])
            // Its failures are forgiven: the next completion does not block it again.
            let more = try #require(
                try await store.claim(worker: "w2", batchKey: nil, limit: 1, leaseDuration: 10, now: t0 + 2)
                    .first)
            #expect(
                try await store.complete(more.lease, worker: "w2", result: aResult, now: t0 + 2) == .completed
            )
            #expect(try await store.blockedWorkers(job: id).map(\.worker) == ["w3"])
            #expect(
                try await store.claim(worker: "w1", batchKey: nil, limit: 1, leaseDuration: 10, now: t0 + 3)
                    .count == 1)

            #expect(try await store.unblock(job: id, worker: nil) == 1)
            #expect(try await store.blockedWorkers(job: id).isEmpty)
            // Another job's blocks are untouched; an unknown job is an error.
            #expect(try await store.blockedWorkers(job: other).map(\.worker) == ["w2"])
            await #expect(throws: StoreError.self) {
                try await store.unblock(job: JobID(999_999), worker: nil)
            }
            try await expectCountsConsistent(store, id)
        }
    }
}

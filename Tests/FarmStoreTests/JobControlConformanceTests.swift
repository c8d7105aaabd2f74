import Foundation
import Testing

@testable import FarmStore

/// Cancel, pause, resume: what they do to items and to late reports.
@Suite struct JobControlConformanceTests {
    @Test(arguments: Backend.all)
    func cancellingTakesQueuedAndLeasedItemsAndRefusesLateReports(_ backend: Backend) async throws {
        try await withStore(backend) { store, _ in
            let id = try await store.submit(job(count: 4), now: t0)
            let claimed = try await store.claim(
                worker: "w", batchKey: nil, limit: 3, leaseDuration: 60, now: t0)
            #expect(
                try await store.complete(claimed[0].lease, worker: "w", result: aResult, now: t0 + 1)
                    == .completed)
            let cancelled = try await store.cancel(id, now: t0 + 2)
            #expect(cancelled.state == .cancelled)
            #expect(cancelled.finishedAt == t0 + 2)
            #expect(cancelled.progress == JobProgress(total: 4, done: 1, cancelled: 3))
            #expect(
                try await store.complete(claimed[1].lease, worker: "w", result: aResult, now: t0 + 3)
                    == .notRunning(.cancelled))
            #expect(
                try await store.fail(
                    claimed[2].lease, worker: "w", kind: .transient, message: "x", now: t0 + 3)
                    == .notRunning(.cancelled))
            #expect(
                try await store.renew([claimed[1].lease], worker: "w", leaseDuration: 60, now: t0 + 3).lost
                    == [claimed[1].id])
            #expect(try await store.requeueExpiredLeases(now: t0 + 1000).isEmpty)
            #expect(try await store.cancel(id, now: t0 + 4) == cancelled)  // no-op

            for operation in ["resume", "pause", "retry"] {
                do {
                    switch operation {
                    case "resume": _ = try await store.resume(id, now: t0 + 5)
                    case "pause": _ = try await store.pause(id, now: t0 + 5)
                    default: _ = try await store.retryFailed(id, now: t0 + 5)
                    }
                    Issue.record("\(operation) of a cancelled job succeeded")
                } catch let error as StoreError {
                    #expect(error.kind == .invalidState)
                    #expect(error.job == id)
                    #expect(error.message.contains("cancelled"))
                }
            }
            try await expectCountsConsistent(store, id)
        }
    }

    @Test(arguments: Backend.all)
    func pausingKeepsQueuedItemsAndLetsLeasedOnesFinish(_ backend: Backend) async throws {
        try await withStore(backend) { store, _ in
            let id = try await store.submit(job(count: 2), now: t0)
            let claimed = try #require(
                try await store.claim(worker: "w", batchKey: nil, limit: 1, leaseDuration: 60, now: t0).first)
            #expect(try await store.pause(id, now: t0 + 1).state == .paused)
            #expect(try await store.pause(id, now: t0 + 1).state == .paused)  // idempotent
            #expect(
                try await store.claim(worker: "w", batchKey: nil, limit: 5, leaseDuration: 60, now: t0 + 2)
                    .isEmpty)
            #expect(
                try await store.complete(claimed.lease, worker: "w", result: aResult, now: t0 + 3)
                    == .completed)
            #expect(try await store.job(id)?.state == .paused)
            #expect(try await store.resume(id, now: t0 + 4).state == .active)
            #expect(try await store.resume(id, now: t0 + 4).state == .active)  // idempotent
            let rest = try await store.claim(
                worker: "w", batchKey: nil, limit: 5, leaseDuration: 60, now: t0 + 5)
            #expect(rest.map(\.index) == [1])
            // A paused job whose last item finishes is done.
            _ = try await store.pause(id, now: t0 + 6)
            #expect(
                try await store.complete(rest[0].lease, worker: "w", result: aResult, now: t0 + 7)
                    == .completed)
            #expect(try await store.job(id)?.state == .done)
            await #expect(throws: StoreError.self) { try await store.pause(id, now: t0 + 8) }
            try await expectCountsConsistent(store, id)
        }
    }

    @Test(arguments: Backend.all)
    func unknownJobsAreReportedWithTheOperation(_ backend: Backend) async throws {
        try await withStore(backend) { store, _ in
            let missing = JobID(424_242)
            do {
                _ = try await store.cancel(missing, now: t0)
                Issue.record("cancelling a missing job succeeded")
            } catch let error as StoreError {
                #expect(error.kind == .notFound)
                #expect(error.operation == "cancel")
                #expect(error.job == missing)
                #expect(error.description == "store cancel job 424242 failed: no such job")
            }
            await #expect(throws: StoreError.self) { try await store.progress(missing) }
            await #expect(throws: StoreError.self) {
                try await store.setPriority(missing, priority: 1, now: t0)
            }
            await #expect(throws: StoreError.self) {
                try await store.block(worker: "w", job: missing, now: t0)
            }
        }
    }
}

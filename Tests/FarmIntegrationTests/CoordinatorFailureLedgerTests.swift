import Foundation
import Testing

@testable import FarmCoordinator

@Suite("Coordinator: failure accounting")
struct CoordinatorFailureLedgerTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func workerIsBlockedAfterThreeFailuresOnceTheJobSucceededElsewhere() {
        var ledger = FailureLedger()
        for item in 1...3 {
            let d = ledger.recordFailure(item: Int64(item), job: 7, worker: "bad", cause: .worker, message: "boom", now: now)
            #expect(d.item == .retry)
            // Nobody has shown the job can succeed: not held against the worker yet.
            #expect(d.newlyBlocked.isEmpty)
        }
        #expect(!ledger.isBlocked(worker: "bad", job: 7))
        let r1 = ledger.recordSuccess(item: 1, job: 7, worker: "good", now: now)
        #expect(r1 == ["bad"])
        #expect(ledger.isBlocked(worker: "bad", job: 7))
        #expect(!ledger.isBlocked(worker: "bad", job: 8))
        #expect(!ledger.isBlocked(worker: "good", job: 7))
        // A fourth failure does not block it again.
        let r2 = ledger.recordFailure(item: 4, job: 7, worker: "bad", cause: .worker, message: "x", now: now)
        #expect(r2.newlyBlocked.isEmpty)
    }

    @Test func blockHappensAtTheThirdFailureWhenTheJobAlreadySucceeded() {
        var ledger = FailureLedger()
        _ = ledger.recordSuccess(item: 100, job: 7, worker: "good", now: now)
        let r3 = ledger.recordFailure(item: 1, job: 7, worker: "bad", cause: .worker, message: "", now: now)
        #expect(r3.newlyBlocked.isEmpty)
        let r4 = ledger.recordFailure(item: 2, job: 7, worker: "bad", cause: .worker, message: "", now: now)
        #expect(r4.newlyBlocked.isEmpty)
        let r5 = ledger.recordFailure(item: 3, job: 7, worker: "bad", cause: .worker, message: "", now: now)
        #expect(r5.newlyBlocked == ["bad"])
    }

    @Test func itsOwnSuccessDoesNotCountAsSucceedingElsewhere() {
        var ledger = FailureLedger()
        _ = ledger.recordSuccess(item: 100, job: 7, worker: "flaky", now: now)
        for item in 1...3 {
            let r6 = ledger.recordFailure(item: Int64(item), job: 7, worker: "flaky", cause: .worker, message: "", now: now)
            #expect(r6.newlyBlocked.isEmpty)
        }
    }

    @Test func itemFailsForGoodOnThreeDifferentWorkersNotThreeTries() {
        var ledger = FailureLedger()
        let r7 = ledger.recordFailure(item: 1, job: 7, worker: "a", cause: .worker, message: "e1", now: now)
        #expect(r7.item == .retry)
        let r8 = ledger.recordFailure(item: 1, job: 7, worker: "a", cause: .worker, message: "e2", now: now)
        #expect(r8.item == .retry)
        let r9 = ledger.recordFailure(item: 1, job: 7, worker: "b", cause: .leaseLost, message: "lease", now: now)
        #expect(r9.item == .retry)
        let last = ledger.recordFailure(item: 1, job: 7, worker: "c", cause: .worker, message: "e4", now: now)
        #expect(last.item == .failForGood(reason: "failed on 3 different workers (a, b, c); last: e4"))
    }

    @Test func jobFaultsFailTheItemAtOnceAndBlameNobody() {
        var ledger = FailureLedger()
        _ = ledger.recordSuccess(item: 100, job: 7, worker: "other", now: now)
        for item in 1...5 {
            let d = ledger.recordFailure(item: Int64(item), job: 7, worker: "w", cause: .job, message: "unknown sampler", now: now)
            #expect(d.item == .failForGood(reason: "unknown sampler"))
            #expect(d.newlyBlocked.isEmpty)
        }
        #expect(!ledger.isBlocked(worker: "w", job: 7))
    }

    @Test func coordinatorFaultsAndLostLeasesNeverBlockAWorker() {
        var ledger = FailureLedger()
        _ = ledger.recordSuccess(item: 100, job: 7, worker: "other", now: now)
        for item in 1...5 {
            let r10 = ledger.recordFailure(item: Int64(item), job: 7, worker: "w", cause: .coordinator, message: "disk full", now: now)
            #expect(r10.item == .retry)
            let r11 = ledger.recordFailure(item: Int64(item), job: 7, worker: "w", cause: .leaseLost, message: "cut", now: now)
            #expect(r11.newlyBlocked.isEmpty)
        }
        #expect(!ledger.isBlocked(worker: "w", job: 7))
        // Coordinator faults do not use up an item's workers either.
        for _ in 1...10 {
            let r12 = ledger.recordFailure(item: 50, job: 7, worker: "w", cause: .coordinator, message: "", now: now)
            #expect(r12.item == .retry)
        }
    }

    @Test func outOfMemoryRetriesWithHalfTheBatch() {
        var ledger = FailureLedger()
        let r13 = ledger.recordFailure(item: 1, job: 7, worker: "w", cause: .outOfMemory, batchSize: 8, message: "", now: now)
        #expect(r13.item == .retrySmaller(batchLimit: 4))
        let r14 = ledger.recordFailure(item: 1, job: 7, worker: "w", cause: .outOfMemory, batchSize: 1, message: "", now: now)
        #expect(r14.item == .retrySmaller(batchLimit: 1))
    }

    @Test func unblockAllSinceLiftsOnlyLaterBlocks() {
        var ledger = FailureLedger(blockAfter: 1)
        _ = ledger.recordSuccess(item: 100, job: 1, worker: "good", now: now)
        _ = ledger.recordSuccess(item: 200, job: 2, worker: "good", now: now)
        _ = ledger.recordFailure(item: 1, job: 1, worker: "w", cause: .worker, message: "", now: now)
        _ = ledger.recordFailure(item: 2, job: 2, worker: "w", cause: .worker, message: "", now: now + 60)
        let r15 = ledger.unblockAll(since: now + 30)
        #expect(r15 == 1)
        #expect(ledger.isBlocked(worker: "w", job: 1))
        #expect(!ledger.isBlocked(worker: "w", job: 2))
    }
}

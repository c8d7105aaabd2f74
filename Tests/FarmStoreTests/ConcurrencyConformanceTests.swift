import Foundation
import Testing

@testable import FarmStore

/// Several claimers on one database, each with a connection of its own (on SQLite: separate
/// connections to one file, as separate processes would have).
@Suite struct ConcurrencyConformanceTests {
    @Test(arguments: Backend.all)
    func eightClaimersClaimEachItemExactlyOnce(_ backend: Backend) async throws {
        try await withStore(backend) { store, database in
            let count = 10_000
            let id = try await store.submit(job(count: count), now: t0)
            var claimers: [SQLJobStore] = []
            for _ in 0..<8 { claimers.append(try await database.open(maxConnections: 1)) }
            let perClaimer = try await withThrowingTaskGroup(of: [ItemID].self) { group in
                for (number, claimer) in claimers.enumerated() {
                    group.addTask {
                        var mine: [ItemID] = []
                        while true {
                            let batch = try await claimer.claim(
                                worker: WorkerID("w\(number)"), batchKey: nil, limit: 25, leaseDuration: 600,
                                now: t0)
                            if batch.isEmpty { return mine }
                            mine += batch.map(\.id)
                        }
                    }
                }
                var all: [[ItemID]] = []
                for try await ids in group { all.append(ids) }
                return all
            }
            for claimer in claimers { await claimer.close() }
            let all = perClaimer.flatMap { $0 }
            #expect(all.count == count)
            #expect(Set(all).count == count, "an item was claimed twice")
            #expect(
                perClaimer.filter { !$0.isEmpty }.count > 1,
                "only one claimer got work: no concurrency was exercised")
            #expect(try await store.job(id)?.progress == JobProgress(total: count, leased: count))
            try await expectCountsConsistent(store, id)
        }
    }

    @Test(arguments: Backend.all)
    func concurrentCompletionsOfOneLeaseCountOnce(_ backend: Backend) async throws {
        try await withStore(backend) { store, database in
            let id = try await store.submit(job(count: 1), now: t0)
            let lease = try #require(
                try await store.claim(worker: "w", batchKey: nil, limit: 1, leaseDuration: 60, now: t0).first
            ).lease
            var reporters: [SQLJobStore] = []
            for _ in 0..<4 { reporters.append(try await database.open(maxConnections: 1)) }
            let outcomes = try await withThrowingTaskGroup(of: CompletionOutcome.self) { group in
                for reporter in reporters {
                    group.addTask {
                        try await reporter.complete(lease, worker: "w", result: aResult, now: t0 + 1)
                    }
                }
                var all: [CompletionOutcome] = []
                for try await outcome in group { all.append(outcome) }
                return all
            }
            for reporter in reporters { await reporter.close() }
            #expect(outcomes.filter { $0 == .completed }.count == 1)
            #expect(outcomes.filter { $0 == .alreadyCompleted }.count == 3)
            #expect(try await store.job(id)?.progress == JobProgress(total: 1, done: 1))
        }
    }

    @Test(arguments: Backend.all)
    func aCancelRacingClaimersLeavesNothingRunnable(_ backend: Backend) async throws {
        try await withStore(backend) { store, database in
            let id = try await store.submit(job(count: 3_000), now: t0)
            var claimers: [SQLJobStore] = []
            for _ in 0..<4 { claimers.append(try await database.open(maxConnections: 1)) }
            let canceller = try await database.open(maxConnections: 1)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (number, claimer) in claimers.enumerated() {
                    group.addTask {
                        while try await !claimer.claim(
                            worker: WorkerID("w\(number)"), batchKey: nil, limit: 10, leaseDuration: 600,
                            now: t0
                        ).isEmpty {}
                    }
                }
                group.addTask {
                    // Cancel once the claimers are well under way.
                    while try await canceller.progress(id).leased < 300 {}
                    _ = try await canceller.cancel(id, now: t0 + 1)
                }
                try await group.waitForAll()
            }
            for other in claimers + [canceller] { await other.close() }
            let record = try #require(try await store.job(id))
            #expect(record.state == .cancelled)
            #expect(record.progress.queued == 0 && record.progress.leased == 0)
            #expect(record.progress.cancelled == 3_000)  // queued and leased alike
            try await expectCountsConsistent(store, id)
        }
    }
}

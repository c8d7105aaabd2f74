import Foundation
import Testing

@testable import FarmStore

/// Submitting and reading back jobs and items: the same on every backend.
@Suite struct SubmitConformanceTests {
    @Test(arguments: Backend.all)
    func submittedJobReadsBackExactly(_ backend: Backend) async throws {
        try await withStore(backend) { store, _ in
            let awkward = [
                "it's a 'quoted' prompt; DROP TABLE items; --", "tab\there\nnewline\r\nand \\backslash\\N",
                "ünïcødé 🎨 水彩画", "", "\\.", "$1 $2 ?1 :name @x",
            ]
            let submission = JobSubmission(
                owner: "bob", priority: 7, settings: #"{"model":"sd15","steps":20}"#,
                items: awkward.enumerated().map { index, prompt in
                    ItemSpec(
                        prompt: prompt, negativePrompt: "blurry \(index)",
                        seed: index == 0 ? UInt64.max : UInt64(index) << 40,
                        settings: #"{"w":512}"#, batchKey: "key-\(index % 2)")
                })
            let id = try await store.submit(submission, now: t0)
            let record = try #require(try await store.job(id))
            #expect(record.owner == "bob")
            #expect(record.priority == 7)
            #expect(record.state == .active)
            #expect(record.settings == submission.settings)
            #expect(record.createdAt == t0)
            #expect(record.finishedAt == nil)
            #expect(record.progress == JobProgress(total: awkward.count, queued: awkward.count))

            let items = try await store.items(ItemFilter(job: id))
            #expect(items.map(\.spec) == submission.items)
            #expect(items.map(\.index) == Array(0..<awkward.count))
            #expect(
                items.allSatisfy { $0.state == .queued && $0.attempt == 1 && $0.fence == 0 && $0.job == id })
            #expect(items.allSatisfy { $0.leaseOwner == nil && $0.result == nil && $0.lastError == nil })
            let one = try #require(try await store.item(items[2].id))
            #expect(one == items[2])
            #expect(try await store.item(ItemID(987_654_321)) == nil)
            #expect(try await store.job(JobID(987_654_321)) == nil)
            try await expectCountsConsistent(store, id)
        }
    }

    @Test(arguments: Backend.all)
    func invalidSubmissionsAreRefusedWithoutWriting(_ backend: Backend) async throws {
        try await withStore(backend) { store, _ in
            await #expect(throws: StoreError.self) {
                try await store.submit(JobSubmission(owner: "a", items: []), now: t0)
            }
            let withNUL = JobSubmission(
                owner: "a", items: [ItemSpec(prompt: "nul\u{0}inside", seed: 1, batchKey: "k")])
            do {
                _ = try await store.submit(withNUL, now: t0)
                Issue.record("a prompt with NUL was stored")
            } catch let error as StoreError {
                #expect(error.kind == .invalidInput)
                #expect(error.operation == "submit")
                #expect(error.message.contains("item 0"))
            }
            #expect(try await store.jobs(JobFilter()).isEmpty)
        }
    }

    @Test(arguments: Backend.all)
    func jobsAreListedAndFiltered(_ backend: Backend) async throws {
        try await withStore(backend) { store, _ in
            let a = try await store.submit(job(owner: "alice", count: 2), now: t0)
            let b = try await store.submit(job(owner: "bob", count: 2), now: t0 + 1)
            let c = try await store.submit(job(owner: "alice", count: 2), now: t0 + 2)
            _ = try await store.pause(b, now: t0 + 3)

            #expect(try await store.jobs(JobFilter()).map(\.id) == [c, b, a])
            #expect(try await store.jobs(JobFilter(owner: "alice")).map(\.id) == [c, a])
            #expect(try await store.jobs(JobFilter(states: [.paused])).map(\.id) == [b])
            #expect(
                try await store.jobs(JobFilter(states: [.active, .paused], limit: 2)).map(\.id) == [c, b])
            #expect(try await store.jobs(JobFilter(before: c)).map(\.id) == [b, a])
            #expect(try await store.jobs(JobFilter(owner: "carol")).isEmpty)
            #expect(try await store.jobs(JobFilter(states: [])).isEmpty)
        }
    }

    @Test(arguments: Backend.all)
    func itemsAreListedAndFiltered(_ backend: Backend) async throws {
        try await withStore(backend) { store, _ in
            let id = try await store.submit(job(count: 10), now: t0)
            let claimed = try await store.claim(
                worker: "w", batchKey: nil, limit: 3, leaseDuration: 60, now: t0)
            #expect(claimed.map(\.index) == [0, 1, 2])
            #expect(try await store.items(ItemFilter(job: id, states: [.leased])).map(\.index) == [0, 1, 2])
            #expect(
                try await store.items(ItemFilter(job: id, states: [.queued], fromIndex: 5, limit: 2)).map(
                    \.index) == [5, 6])
            #expect(try await store.items(ItemFilter(job: id, fromIndex: 8)).map(\.index) == [8, 9])
            let leased = try await store.items(ItemFilter(job: id, states: [.leased]))
            #expect(
                leased.allSatisfy { $0.leaseOwner == "w" && $0.leaseExpiresAt == t0 + 60 && $0.fence == 1 })
        }
    }
}

import ArgumentParser
import FarmStore
import Foundation
import Synchronization

/// `sdfarm bench store`: submit, claim and complete throughput of the job store.
struct BenchStoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Measure the job store: submit, claim, complete and lease-expiry throughput.",
        discussion: """
            Without --database the benchmark uses a temporary SQLite file. With a postgres:// \
            URL it works in a fresh schema of that database (dropped afterwards); with a SQLite \
            path it adds its jobs to that file.
            """)

    @Option(help: "postgres://… URL or SQLite file path (default: a temporary SQLite file).")
    var database: String?

    @Option(help: "Items to submit, in all.")
    var items = 100_000

    @Option(help: "Spread the items over this many jobs (claims then share them fairly).")
    var jobs = 1

    @Option(help: "Concurrent claimers, each with its own connection.")
    var claimers = 4

    @Option(help: "Items per claim.")
    var batch = 16

    @Option(
        help:
            "Items completed one report each, and as many again in reports of --batch (default: a quarter of --items each); the rest expire."
    )
    var complete: Int?

    func validate() throws {
        guard items >= 1 else { throw ValidationError("--items must be at least 1") }
        guard (1...items).contains(jobs) else { throw ValidationError("--jobs must be 1…--items") }
        guard (1...64).contains(claimers) else { throw ValidationError("--claimers must be 1…64") }
        guard (1...1000).contains(batch) else { throw ValidationError("--batch must be 1…1000") }
        if let complete, complete < 0 || 2 * complete > items {
            throw ValidationError("--complete must be between 0 and half of --items")
        }
    }

    func run() async throws {
        let target = try StoreBenchTarget(database)
        defer { target.cleanUp() }
        let store = try await target.open(maxConnections: claimers)
        print(
            "job store benchmark: \(target.label), \(items) items in \(jobs) job(s), \(claimers) claimers × \(batch) per claim"
        )

        let clock = ContinuousClock()
        let start = Date()
        var ids: [JobID] = []
        var submitTime = Duration.zero
        for part in 0..<jobs {
            let range = (items * part / jobs)..<(items * (part + 1) / jobs)
            let submission = JobSubmission(
                owner: "bench", settings: #"{"model":"sd15","steps":25}"#,
                items: range.map {
                    ItemSpec(
                        prompt: "bench prompt \($0): a lighthouse at dusk, watercolour",
                        negativePrompt: "blurry",
                        seed: UInt64($0), settings: #"{"width":512,"height":512}"#,
                        batchKey: "sd15-512x512-25-euler")
                })
            submitTime += try await clock.measure {
                ids.append(try await store.submit(submission, now: start))
            }
        }

        let claimed = ClaimedItems()
        let claimTime = try await clock.measure {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for number in 0..<claimers {
                    group.addTask {
                        while true {
                            let got = try await store.claim(
                                worker: "bench-\(number)", batchKey: nil, limit: batch, leaseDuration: 3600,
                                now: Date())
                            if got.isEmpty { return }
                            claimed.append(got)
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        let leases = claimed.all
        guard leases.count == items else {
            throw ValidationError(
                "claimed \(leases.count) of \(items) items: the store lost or duplicated work")
        }

        let count = complete ?? items / 4
        let single = Array(leases.prefix(count))
        let batched = Array(leases.dropFirst(count).prefix(count))
        let result = ItemResult(sha256: String(repeating: "0", count: 64), size: 1, location: "bench")
        let completeTime = try await completeAll(single, on: store, inReportsOf: 1, result: result)
        let batchedTime = try await completeAll(batched, on: store, inReportsOf: batch, result: result)
        // The rest of the leases run out at once, as after a long coordinator outage.
        var expired = 0
        let expiryTime = try await clock.measure {
            expired = try await store.requeueExpiredLeases(now: Date() + 7200).count
        }
        guard expired == items - 2 * count else {
            throw ValidationError("requeued \(expired) expired leases, expected \(items - 2 * count)")
        }
        var progress = JobProgress()
        for id in ids {
            guard let job = try await store.job(id) else { continue }
            progress.done += job.progress.done
            progress.queued += job.progress.queued
            progress.leased += job.progress.leased
        }
        print(
            "after the run: \(progress.done) done, \(progress.queued) queued again, \(progress.leased) leased"
        )
        await store.close()

        let claims = (items + batch - 1) / batch
        print("")
        print(pad("phase", 10) + pad("count", 10) + pad("seconds", 10) + pad("per second", 14) + "reference")
        row(
            "submit", items, submitTime, unit: "items",
            reference: target.submitTarget(items) + (jobs > 1 ? " (\(jobs) jobs)" : ""))
        row("claim", items, claimTime, unit: "items", reference: "OpenCue books ~975 frames/s")
        row(
            "claim", claims, claimTime, unit: "claims",
            reference: "\(batch) items per claim, \(claimers) concurrent")
        row(
            "complete", single.count, completeTime, unit: "items",
            reference: "one report per transaction; graphile-worker ~183 000 jobs/s (batched, ideal)")
        row(
            "complete", batched.count, batchedTime, unit: "items",
            reference: "\(batch) reports per transaction")
        row(
            "expire", expired, expiryTime, unit: "items",
            reference: "leases run out and requeued in slices of 500; river and Oban rescue after 1 h")
    }

    /// Completes `items` from `claimers` concurrent reporters, `size` reports per call.
    private func completeAll(
        _ items: [ClaimedItem], on store: any JobStore, inReportsOf size: Int, result: ItemResult
    )
        async throws -> Duration
    {
        let claimers = self.claimers
        return try await ContinuousClock().measure {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for number in 0..<claimers {
                    let mine = stride(from: number, to: items.count, by: claimers).map { items[$0] }
                    group.addTask {
                        for start in stride(from: 0, to: mine.count, by: size) {
                            let reports = mine[start..<min(start + size, mine.count)].map {
                                CompletionReport(lease: $0.lease, worker: "bench-\(number)", result: result)
                            }
                            let outcomes = try await store.complete(reports, now: Date())
                            guard outcomes.allSatisfy({ $0 == .completed }) else {
                                throw ValidationError("a completion was refused: \(outcomes)")
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
    }

    private func row(_ phase: String, _ count: Int, _ time: Duration, unit: String, reference: String) {
        let seconds = Double(time.components.seconds) + Double(time.components.attoseconds) / 1e18
        let rate = seconds > 0 ? Double(count) / seconds : 0
        print(
            pad(phase, 10) + pad("\(count)", 10) + pad(String(format: "%.3f", seconds), 10)
                + pad(String(format: "%.0f %@", rate, unit), 14) + reference)
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}

/// Collects claimed items from concurrent claimers.
private final class ClaimedItems: Sendable {
    private let items = Mutex<[ClaimedItem]>([])
    func append(_ more: [ClaimedItem]) { items.withLock { $0 += more } }
    var all: [ClaimedItem] { items.withLock { $0 } }
}

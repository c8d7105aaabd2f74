import ArgumentParser
import FarmStore
import Foundation

/// `sdfarm bench store`: submit, claim and complete throughput of the job store.
struct BenchStoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Measure the job store: submit, claim and complete throughput.",
        discussion: """
            Without --database the benchmark uses a temporary SQLite file. With a postgres:// \
            URL it works in a fresh schema of that database (dropped afterwards); with a SQLite \
            path it adds its job to that file.
            """)

    @Option(help: "postgres://… URL or SQLite file path (default: a temporary SQLite file).")
    var database: String?

    @Option(help: "Items in the submitted job.")
    var items = 100_000

    @Option(help: "Concurrent claimers, each with its own connection.")
    var claimers = 4

    @Option(help: "Items per claim.")
    var batch = 16

    @Option(help: "How many of the claimed items to complete, one report each (default: all).")
    var complete: Int?

    func validate() throws {
        guard items >= 1 else { throw ValidationError("--items must be at least 1") }
        guard (1...64).contains(claimers) else { throw ValidationError("--claimers must be 1…64") }
        guard (1...1000).contains(batch) else { throw ValidationError("--batch must be 1…1000") }
        if let complete, complete < 0 { throw ValidationError("--complete must not be negative") }
    }

    func run() async throws {
        let target = try BenchTarget(database)
        defer { target.cleanUp() }
        let store = try await target.open(maxConnections: claimers)
        print("job store benchmark: \(target.label), \(items) items, \(claimers) claimers × \(batch) per claim")

        let submission = JobSubmission(
            owner: "bench", settings: #"{"model":"sd15","steps":25}"#,
            items: (0..<items).map {
                ItemSpec(prompt: "bench prompt \($0): a lighthouse at dusk, watercolour", negativePrompt: "blurry",
                         seed: UInt64($0), settings: #"{"width":512,"height":512}"#, batchKey: "sd15-512x512-25-euler")
            })
        let clock = ContinuousClock()
        let start = Date()
        var job: JobID?
        let submitTime = try await clock.measure { job = try await store.submit(submission, now: start) }

        let claimed = LockedList<ClaimedItem>()
        let claimTime = try await clock.measure {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for number in 0..<claimers {
                    group.addTask {
                        while true {
                            let got = try await store.claim(
                                worker: "bench-\(number)", batchKey: nil, limit: batch, leaseDuration: 3600, now: Date())
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
            throw ValidationError("claimed \(leases.count) of \(items) items: the store lost or duplicated work")
        }

        let toComplete = Array(leases.prefix(complete ?? leases.count))
        let result = ItemResult(sha256: String(repeating: "0", count: 64), size: 1, location: "bench")
        let completeTime = try await clock.measure {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for number in 0..<claimers {
                    group.addTask {
                        for item in stride(from: number, to: toComplete.count, by: claimers).map({ toComplete[$0] }) {
                            let outcome = try await store.complete(item.lease, worker: "bench-\(number)", result: result, now: Date())
                            guard outcome == .completed else { throw ValidationError("completion of \(item.id) was \(outcome)") }
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        if let job, let progress = try await store.job(job)?.progress {
            print("job \(job.rawValue) after the run: \(progress.done) done, \(progress.leased) leased, \(progress.queued) queued")
        }
        await store.close()

        let claims = (items + batch - 1) / batch
        print("")
        print(pad("phase", 10) + pad("count", 10) + pad("seconds", 10) + pad("per second", 14) + "reference")
        row("submit", items, submitTime, unit: "items", reference: target.submitTarget(items))
        row("claim", items, claimTime, unit: "items", reference: "OpenCue books ~975 frames/s")
        row("claim", claims, claimTime, unit: "claims", reference: "\(batch) items per claim, \(claimers) concurrent")
        row("complete", toComplete.count, completeTime, unit: "items",
            reference: "one transaction each; graphile-worker ~183 000 jobs/s (batched, ideal)")
    }

    private func row(_ phase: String, _ count: Int, _ time: Duration, unit: String, reference: String) {
        let seconds = Double(time.components.seconds) + Double(time.components.attoseconds) / 1e18
        let rate = seconds > 0 ? Double(count) / seconds : 0
        print(pad(phase, 10) + pad("\(count)", 10) + pad(String(format: "%.3f", seconds), 10)
              + pad(String(format: "%.0f %@", rate, unit), 14) + reference)
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}

/// Where the benchmark runs, and how to tidy up after it.
private struct BenchTarget {
    enum Kind { case temporarySQLite(directory: String), sqlite(path: String), postgres(url: String, schema: String) }
    let kind: Kind

    init(_ database: String?) throws {
        guard let database else {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sdfarm-bench-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            kind = .temporarySQLite(directory: directory)
            return
        }
        switch try StoreLocation.resolve(database, dataDirectory: ".", environment: [:]) {
        case .sqlite(let path): kind = .sqlite(path: path)
        case .postgres(let url):
            kind = .postgres(url: url, schema: "sdfarm_bench_" + UUID().uuidString.prefix(8).lowercased())
        }
    }

    var label: String {
        switch kind {
        case .temporarySQLite(let directory): "SQLite (temporary file in \(directory))"
        case .sqlite(let path): "SQLite (\(path))"
        case .postgres(_, let schema): "PostgreSQL (schema \(schema), dropped afterwards)"
        }
    }

    func submitTarget(_ items: Int) -> String {
        switch kind {
        case .postgres: "target: 100 000 items in ≤ 3 s; graphile-worker queues ~202 000/s"
        default: "target: 100 000 items in ≤ 10 s; graphile-worker queues ~202 000/s"
        }
    }

    func open(maxConnections: Int) async throws -> any JobStore {
        switch kind {
        case .temporarySQLite(let directory):
            return try await SQLiteStore(path: directory + "/bench.sqlite", maxConnections: maxConnections)
        case .sqlite(let path):
            return try await SQLiteStore(path: path, maxConnections: maxConnections)
        case .postgres(let url, let schema):
            return try await PostgresStore(url: url, schema: schema, maxConnections: maxConnections)
        }
    }

    func cleanUp() {
        switch kind {
        case .temporarySQLite(let directory): try? FileManager.default.removeItem(atPath: directory)
        case .sqlite: break
        case .postgres(let url, let schema):
            let done = DispatchSemaphore(value: 0)
            Task {
                do { try await PostgresStore.dropSchema(schema, url: url) } catch { print("warning: \(error)") }
                done.signal()
            }
            done.wait()
        }
    }
}

/// Collects claimed items from concurrent claimers.
private final class LockedList<Element: Sendable>: Sendable {
    private let lock = NSLock()
    nonisolated(unsafe) private var elements: [Element] = []

    func append(_ more: [Element]) {
        lock.lock()
        elements += more
        lock.unlock()
    }

    var all: [Element] {
        lock.lock()
        defer { lock.unlock() }
        return elements
    }
}

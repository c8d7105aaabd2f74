import Foundation
import Testing

@testable import FarmStore

/// A fixed clock origin: tests move time by adding seconds, never by sleeping.
let t0 = Date(timeIntervalSince1970: 1_800_000_000)

func job(owner: String = "alice", priority: Int = 0, count: Int, key: String = "sd15-512-25-euler")
    -> JobSubmission
{
    JobSubmission(
        owner: owner, priority: priority, settings: #"{"steps":25}"#,
        items: (0..<count).map { ItemSpec(prompt: "prompt \($0)", seed: UInt64($0), batchKey: key) })
}

func job(owner: String = "alice", priority: Int = 0, keys: [String]) -> JobSubmission {
    JobSubmission(
        owner: owner, priority: priority,
        items: keys.enumerated().map {
            ItemSpec(prompt: "prompt \($0.offset)", seed: UInt64($0.offset), batchKey: $0.element)
        })
}

let aResult = ItemResult(
    sha256: String(repeating: "ab", count: 32), size: 1234, location: "results/ab/abab.png")

/// The job's stored counts must equal a tally of its items' states.
func expectCountsConsistent(
    _ store: SQLJobStore, _ id: JobID, sourceLocation: SourceLocation = #_sourceLocation
) async throws {
    let record = try #require(try await store.job(id), sourceLocation: sourceLocation)
    let items = try await store.items(ItemFilter(job: id, limit: 10_000_000))
    var tally = JobProgress(total: items.count)
    for item in items {
        switch item.state {
        case .queued: tally.queued += 1
        case .leased: tally.leased += 1
        case .done: tally.done += 1
        case .failed: tally.failed += 1
        case .cancelled: tally.cancelled += 1
        }
    }
    #expect(record.progress == tally, "stored counts differ from the items", sourceLocation: sourceLocation)
}

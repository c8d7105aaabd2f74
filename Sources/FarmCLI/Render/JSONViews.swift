import FarmClient
import FarmProtocol
import Foundation

/// Every `--json` output of the client commands, one `Encodable` view each, written as one
/// line by `JSONLine`: strings (prompt file names, worker names, states) are escaped by the
/// encoder, never spliced into text.
enum JSONLine {
    static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding these plain structs cannot fail (no floats that are not finite are in them).
        guard let data = try? encoder.encode(value) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}

/// The job-level settings `sdfarm submit` stores with a job.
struct SubmittedJobSettings: Encodable, Equatable {
    var model: String
    var base_seed: UInt64
    var file: String
}

/// `sdfarm submit --json`.
struct SubmitJSON: Encodable {
    var job: Int64
    var items: Int
    var skipped_lines: Int
    var models_nobody_holds: [String]
}

/// `sdfarm wait --json` (also `cancel`, `pause`, `resume`, `retry` and each `watch` job line
/// carry a job's counts).
struct JobJSON: Encodable {
    var job: Int64
    var state: String
    var done: Int
    var failed: Int
    var cancelled: Int
    var queued: Int
    var total: Int

    init(_ j: JobSummary) {
        job = j.id
        state = j.state
        done = j.done
        failed = j.failed
        cancelled = j.cancelled
        queued = j.queued
        total = j.total
    }
}

/// A `sdfarm watch --json` progress line.
struct WatchProgressJSON: Encodable {
    var worker: String
    var items: [Int64]
    var step: Int
    var total_steps: Int
}

/// `sdfarm results --json`.
struct ResultsJSON: Encodable {
    var job: Int64
    var items: Int
    var images: Int
    var out: String
}

// A helper process for FarmStoreTests' crash test, never installed: it submits one large
// job and is killed with SIGKILL by the test while the submit's transaction is open.
//   FarmStoreCrashChild sqlite PATH ITEMS
//   FarmStoreCrashChild postgres URL SCHEMA ITEMS
// Prints "submitting" before the submit; then, inside the submit's transaction with every
// item written, "midway" — and waits there until it is killed. "committed JOB" would mean the
// barrier was never reached.
import FarmStore
import Foundation

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("FarmStoreCrashChild: \(message)\n".utf8))
    exit(2)
}

/// Writes a line to stdout at once (no buffering between us and the test).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

let arguments = Array(CommandLine.arguments.dropFirst())
let store: SQLJobStore
let count: Int?
do {
    switch arguments.first {
    case "sqlite" where arguments.count == 3:
        store = try await SQLiteStore(path: arguments[1], maxConnections: 1)
        count = Int(arguments[2])
    case "postgres" where arguments.count == 4:
        store = try await PostgresStore(url: arguments[1], schema: arguments[2], maxConnections: 1)
        count = Int(arguments[3])
    default:
        fail("usage: FarmStoreCrashChild sqlite PATH ITEMS | postgres URL SCHEMA ITEMS")
    }
} catch {
    fail("\(error)")
}
guard let count, count > 0 else { fail("ITEMS must be a positive number") }

// Long prompts so that the transaction spills to disk early (the test watches for that).
let padding = String(repeating: "a watercolour of a lighthouse at dusk, ", count: 6)
let submission = JobSubmission(
    owner: "crash-test", settings: #"{"steps":25}"#,
    items: (0..<count).map {
        ItemSpec(prompt: "\($0): \(padding)", seed: UInt64($0), settings: #"{"width":512}"#, batchKey: "k")
    })
store.faultPoints.set(.submitBeforeCommit) {
    say("midway")
    while true { sleep(3600) }
}
say("submitting")
do {
    let id = try await store.submit(submission, now: Date())
    say("committed \(id.rawValue)")
} catch {
    fail("\(error)")
}

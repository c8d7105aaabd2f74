import FarmProtocol
import Synchronization

/// Set when the user interrupts `sdfarm demo` (SIGINT/SIGTERM), so the run stops and cleans up.
final class DemoInterrupt: Sendable {
    private let flag = Mutex(false)
    var isSet: Bool { flag.withLock { $0 } }
    func set() { flag.withLock { $0 = true } }
}

/// The demo's watch task's result, once it has one.
final class DemoWatchOutcome: Sendable {
    private let result = Mutex<Result<JobSummary?, any Error>?>(nil)
    var value: Result<JobSummary?, any Error>? { result.withLock { $0 } }
    func set(_ r: Result<JobSummary?, any Error>) { result.withLock { $0 = r } }
}

import FarmProtocol
import Synchronization

/// The demo's watch task's result, once it has one.
final class DemoWatchOutcome: Sendable {
    private let result = Mutex<Result<JobSummary?, any Error>?>(nil)
    var value: Result<JobSummary?, any Error>? { result.withLock { $0 } }
    func set(_ r: Result<JobSummary?, any Error>) { result.withLock { $0 = r } }
}

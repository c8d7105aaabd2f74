import Foundation

/// Whether the job store answers, as the coordinator last found it: shown in `status` and
/// `why` (a job waits because the database is full or down, not "for a worker") and in the
/// metrics. Every failed store call marks it failing; a write that succeeds once no call has
/// failed for `settle` seconds heals it. Reads never heal it: a full SQLite disk still
/// answers reads while every write fails, and a farm that flickered between "healthy" and
/// "failing" with each status request would say nothing useful.
public struct StoreHealth: Sendable, Equatable {
    public struct Problem: Sendable, Equatable {
        /// The store operation that failed last ("claim", "complete", …).
        public var operation: String
        /// Its error, as the store described it.
        public var message: String
        /// When calls began to fail.
        public var since: Date
    }

    /// nil while the store answers.
    public private(set) var problem: Problem?
    private var lastFailure: Date?
    /// Seconds without a failure before a success counts as recovery.
    public var settle: TimeInterval = 10

    public init() {}

    public var isHealthy: Bool { problem == nil }

    mutating func failed(_ operation: String, _ error: any Error, now: Date) {
        problem = Problem(operation: operation, message: "\(error)", since: problem?.since ?? now)
        lastFailure = now
    }

    mutating func wrote(now: Date) {
        guard let lastFailure, now.timeIntervalSince(lastFailure) >= settle else { return }
        problem = nil
        self.lastFailure = nil
    }

    /// One line for `status`/`why`, or nil when healthy.
    public var summary: String? {
        guard let problem else { return nil }
        return "the job store is failing (\(problem.operation)): \(problem.message)"
    }
}

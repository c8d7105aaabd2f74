import Foundation

/// A job as stored, with its item counts.
public struct JobRecord: Sendable, Equatable, Identifiable {
    public var id: JobID
    public var owner: String
    public var priority: Int
    public var state: JobState
    public var settings: String
    public var createdAt: Date
    public var updatedAt: Date
    /// When the job reached done/failed/cancelled; nil while it can still run.
    public var finishedAt: Date?
    public var progress: JobProgress
}

/// How many of a job's items are in each state.
public struct JobProgress: Sendable, Equatable, Codable {
    public var total: Int
    public var queued: Int
    public var leased: Int
    public var done: Int
    public var failed: Int
    public var cancelled: Int

    public init(
        total: Int = 0, queued: Int = 0, leased: Int = 0, done: Int = 0, failed: Int = 0, cancelled: Int = 0
    ) {
        self.total = total
        self.queued = queued
        self.leased = leased
        self.done = done
        self.failed = failed
        self.cancelled = cancelled
    }

    /// Items that will not run again.
    public var finished: Int { done + failed + cancelled }
}

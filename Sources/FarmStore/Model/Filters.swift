/// Which jobs to list. Jobs come newest first.
public struct JobFilter: Sendable, Equatable {
    public var states: Set<JobState>?
    public var owner: String?
    /// Only jobs with ids below this (for paging newest-first).
    public var before: JobID?
    public var limit: Int

    public init(states: Set<JobState>? = nil, owner: String? = nil, before: JobID? = nil, limit: Int = 100) {
        self.states = states
        self.owner = owner
        self.before = before
        self.limit = limit
    }
}

/// Which items of a job to list. Items come in submission order.
public struct ItemFilter: Sendable, Equatable {
    public var job: JobID
    public var states: Set<ItemState>?
    /// Only items whose index is at least this (for paging).
    public var fromIndex: Int
    public var limit: Int

    public init(job: JobID, states: Set<ItemState>? = nil, fromIndex: Int = 0, limit: Int = 1000) {
        self.job = job
        self.states = states
        self.fromIndex = fromIndex
        self.limit = limit
    }
}

/// What is waiting in the queue for one batch key: the coordinator picks a key a worker
/// can serve (it holds the model) and claims items of it.
public struct QueuedBatchKey: Sendable, Equatable {
    public var batchKey: String
    public var queued: Int
    /// The highest priority among active jobs waiting on this key.
    public var topPriority: Int
}

/// A job's state. `active` jobs hand out their queued items; `paused` jobs keep them;
/// `done` and `failed` are reached when no item is queued or leased any more (`failed` when
/// at least one item failed for good); `cancelled` is final.
public enum JobState: String, Sendable, Codable, CaseIterable {
    case active, paused, done, failed, cancelled

    /// No item of the job will run again unless someone retries or resumes it.
    public var isFinished: Bool { self == .done || self == .failed || self == .cancelled }
}

/// An item's state: queued → leased → done, or back to queued (retry, lease expiry), or
/// failed/cancelled.
public enum ItemState: String, Sendable, Codable, CaseIterable {
    case queued, leased, done, failed, cancelled

    public var isTerminal: Bool { self == .done || self == .failed || self == .cancelled }
}

/// A worker's state, in the words render-farm operators already use (Flamenco's).
public enum WorkerState: String, Sendable, Codable, CaseIterable {
    case active, idle, asleep, draining, offline, error
}

/// Why an item failed, as the worker (or coordinator) reports it.
public enum FailureKind: String, Sendable, Codable, CaseIterable {
    /// Worth another try: back to the queue with attempt + 1, up to the policy's bound.
    /// Counts against the worker (see `StorePolicy.blockAfterFailures`).
    case transient
    /// Will fail anywhere (bad settings, unknown model): failed for good at once.
    case permanent
    /// The worker ran out of memory: retried like `transient`, but never counted against
    /// the worker — the coordinator should retry it with a smaller batch.
    case outOfMemory = "out_of_memory"
}

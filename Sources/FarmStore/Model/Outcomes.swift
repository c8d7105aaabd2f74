/// One completion report: the lease it answers, who rendered it, and where the image is.
public struct CompletionReport: Sendable, Equatable {
    public var lease: LeaseToken
    public var worker: WorkerID
    public var result: ItemResult

    public init(lease: LeaseToken, worker: WorkerID, result: ItemResult) {
        self.lease = lease
        self.worker = worker
        self.result = result
    }
}

/// What a completion report did.
public enum CompletionOutcome: Sendable, Equatable {
    /// Recorded now.
    case completed
    /// The same item and fence were completed before: nothing changed.
    case alreadyCompleted
    /// The item was claimed again since this lease (or completed under another fence):
    /// refused, nothing changed. `current` is the item's fence now.
    case staleFence(current: Int64)
    /// The item is failed or cancelled: refused, nothing changed.
    case notRunning(ItemState)
}

/// What a failure report did.
public enum FailureOutcome: Sendable, Equatable {
    /// Back in the queue for another try, as attempt `attempt`.
    case requeued(attempt: Int)
    /// Failed for good (not retryable, or out of attempts).
    case failed
    /// The lease is not current (claimed again, or the item moved on): nothing changed.
    case staleFence(current: Int64)
    /// The item is no longer leased under this fence (done, cancelled, or already
    /// requeued after its lease ran out): nothing changed.
    case notRunning(ItemState)
}

/// Which leases a renewal extended.
public struct RenewalOutcome: Sendable, Equatable {
    /// Still held by the worker: extended.
    public var renewed: [ItemID]
    /// No longer the worker's (fence moved, item requeued, cancelled or finished): the
    /// worker should stop working on these.
    public var lost: [ItemID]
}

/// A lease that ran out and what became of its item.
public struct ExpiredLease: Sendable, Equatable {
    public var item: ItemID
    public var job: JobID
    public var worker: WorkerID?
    public var fence: Int64
    /// The item's state afterwards: queued (another try) or failed (out of attempts).
    public var newState: ItemState
}

import FarmStore

/// What a reported failure does, decided from its cause alone. It keeps no memory: the
/// store holds the failures, the attempts and the blocks (one source of truth, the same
/// after a restart and for every coordinator sharing the database), and its rules decide
/// when an item gives up (`StorePolicy.maxAttempts`) and when a worker is blocked for a job
/// (`StorePolicy.blockAfterFailures`, only once the job succeeded elsewhere).
struct FailureVerdict: Equatable {
    enum Record: Equatable {
        /// Record the failure in the store as this kind (transient ones count against the
        /// worker; see docs/storage.md).
        case fail(FailureKind)
        /// Give the item back as if it had expired: attempt + 1, counted against nobody.
        case release
        /// Give the item back untouched: the attempt is not spent and nothing is counted.
        case unclaim
    }

    var record: Record
    /// Lower the worker's batch limit to this (after running out of memory).
    var batchLimit: Int?

    init(cause: FailureCause, batchSize: Int) {
        switch cause {
        case .job: record = .fail(.permanent)
        case .outOfMemory:
            record = .fail(.outOfMemory)
            batchLimit = max(1, batchSize / 2)
        case .worker: record = .fail(.transient)
        case .leaseLost: record = .release
        // The coordinator's own fault (its disk, its database) counts against nobody; a render
        // the worker stopped unfinished was not a try.
        case .coordinator, .cancelled: record = .unclaim
        }
    }
}

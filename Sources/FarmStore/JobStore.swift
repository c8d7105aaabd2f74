import Foundation

/// Everything the coordinator keeps: jobs, their items, workers, leases and failures.
///
/// Two implementations with the same semantics, proven by one conformance suite:
/// `PostgresStore` (production; several coordinators may share one database) and
/// `SQLiteStore` (the embedded default). Time is always passed in (`now`), so callers own
/// the clock and tests never sleep. See docs/storage.md.
public protocol JobStore: Sendable {
    // MARK: Jobs

    /// Stores a job and all of its items in one transaction: all or nothing.
    func submit(_ job: JobSubmission, now: Date) async throws -> JobID

    /// The job, with its counts; nil if there is none.
    func job(_ id: JobID) async throws -> JobRecord?

    /// Jobs matching the filter, newest first.
    func jobs(_ filter: JobFilter) async throws -> [JobRecord]

    /// The job's counts per item state.
    func progress(_ id: JobID) async throws -> JobProgress

    /// Cancels every queued and leased item and the job. Leased items' workers lose their
    /// leases (their reports are refused). Cancelling a finished job is a no-op.
    func cancel(_ id: JobID, now: Date) async throws -> JobRecord

    /// Stops handing out the job's items; leased items run on and may complete.
    func pause(_ id: JobID, now: Date) async throws -> JobRecord

    /// Hands out a paused job's items again.
    func resume(_ id: JobID, now: Date) async throws -> JobRecord

    /// Changes the job's priority (higher runs first).
    func setPriority(_ id: JobID, priority: Int, now: Date) async throws -> JobRecord

    /// Puts the job's failed items back in the queue with a fresh attempt count; reopens
    /// a failed job. Returns how many items were requeued.
    func retryFailed(_ id: JobID, now: Date) async throws -> Int

    // MARK: Items

    func item(_ id: ItemID) async throws -> ItemRecord?

    /// A job's items matching the filter, in submission order.
    func items(_ filter: ItemFilter) async throws -> [ItemRecord]

    /// The failures recorded for one item, oldest first.
    func failures(of item: ItemID) async throws -> [FailureRecord]

    /// Batch keys with queued items of active jobs, best first (top priority, then count).
    func queuedBatchKeys(limit: Int) async throws -> [QueuedBatchKey]

    // MARK: Leases

    /// Claims up to `limit` queued items for `worker`, all with one batch key (`batchKey`,
    /// or when nil the key of the best item waiting), from active jobs that have not
    /// blocked the worker; by job priority, then fair share (the job with fewer items
    /// leased now first), then age. Every claimed item's fence is bumped; the lease runs
    /// until `now + leaseDuration`. Safe to call from several processes at once.
    func claim(worker: WorkerID, batchKey: String?, limit: Int, leaseDuration: TimeInterval, now: Date)
        async throws
        -> [ClaimedItem]

    /// Extends the leases the worker still holds to `now + leaseDuration`.
    func renew(_ leases: [LeaseToken], worker: WorkerID, leaseDuration: TimeInterval, now: Date) async throws
        -> RenewalOutcome

    /// Records a finished item. Idempotent per (item, fence); a stale fence is refused. A
    /// completion whose lease ran out but whose item has not been claimed again since is
    /// accepted (the fence proves nobody else was given it).
    func complete(_ lease: LeaseToken, worker: WorkerID, result: ItemResult, now: Date) async throws
        -> CompletionOutcome

    /// Several completions in one transaction (one commit instead of one each — what a
    /// finished U-Net batch needs), each with the semantics of `complete(_:worker:result:now:)`.
    /// Outcomes come in the order of `reports`. An unknown item fails the whole call.
    func complete(_ reports: [CompletionReport], now: Date) async throws -> [CompletionOutcome]

    /// Records a failed try: requeued (attempt + 1) or failed for good, per `kind` and the
    /// policy; may block the worker for the job (see `StorePolicy.blockAfterFailures`).
    func fail(_ lease: LeaseToken, worker: WorkerID, kind: FailureKind, message: String, now: Date)
        async throws
        -> FailureOutcome

    /// Requeues (or fails, when out of attempts) every leased item whose lease ended at
    /// or before `now`.
    func requeueExpiredLeases(now: Date) async throws -> [ExpiredLease]

    /// Puts items claimed but never handed to the worker back in the queue as if they had
    /// not been claimed: attempt unchanged, no failure recorded. Only leases the worker
    /// still holds (same fence) are returned; their ids come back.
    func unclaim(_ leases: [LeaseToken], worker: WorkerID, now: Date) async throws -> [ItemID]

    /// Ends every lease `worker` holds at once (it disconnected, or was declared dead),
    /// exactly as if they had expired: requeued with attempt + 1, or failed on the last
    /// attempt. A late completion under the same fence is still accepted while nobody else
    /// has claimed the item.
    func releaseLeases(of worker: WorkerID, now: Date) async throws -> [ExpiredLease]

    /// Ends these leases of `worker` at once (the coordinator gives the items back), exactly
    /// as if they had expired: requeued with attempt + 1 (or failed on the last attempt),
    /// recorded as a failure that never counts against the worker. Leases the worker no
    /// longer holds under that fence are left alone. Returns what was ended.
    func release(_ leases: [LeaseToken], worker: WorkerID, now: Date) async throws -> [ExpiredLease]

    // MARK: Blocking

    /// Workers blocked for a job.
    func blockedWorkers(job: JobID) async throws -> [BlockedWorker]

    /// Blocks a worker for a job by hand.
    func block(worker: WorkerID, job: JobID, now: Date) async throws

    /// Lifts blocks: those of one job (or every job when nil) made at or after `since`.
    /// Returns how many were lifted.
    func unblock(job: JobID?, since: Date) async throws -> Int

    /// Lifts one job's blocks: of `worker`, or of every worker when nil (`sdfarm unblock`),
    /// and forgives the failures behind them. Returns how many blocks were lifted.
    func unblock(job: JobID, worker: WorkerID?) async throws -> Int

    // MARK: Workers

    /// Registers a worker, or updates its name, capabilities and state; sets last seen.
    func upsertWorker(id: WorkerID, name: String, capabilities: String, state: WorkerState, now: Date)
        async throws
        -> WorkerRecord

    /// Marks the worker seen now, optionally with a new state.
    func touchWorker(_ id: WorkerID, state: WorkerState?, now: Date) async throws

    func worker(_ id: WorkerID) async throws -> WorkerRecord?

    /// Workers, optionally only those in the given states, by id.
    func workers(states: Set<WorkerState>?) async throws -> [WorkerRecord]

    /// Puts every worker last seen before `lastSeenBefore` (and not already in `state`)
    /// into `state` — typically `.offline` — and returns their ids.
    func markWorkers(lastSeenBefore: Date, as state: WorkerState) async throws -> [WorkerID]

    // MARK: Life cycle

    /// The schema version the database is at.
    func schemaVersion() async throws -> Int

    /// Closes every connection; the store must not be used afterwards.
    func close() async
}

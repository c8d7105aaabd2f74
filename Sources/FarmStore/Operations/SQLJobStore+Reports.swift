import Foundation

extension SQLJobStore {
    public func complete(_ lease: LeaseToken, worker: WorkerID, result: ItemResult, now: Date) async throws
        -> CompletionOutcome
    {
        let time = milliseconds(now)
        return try await perform("complete", item: lease.item) { connection in
            try connection.transaction {
                let (job, state, fence, _) = try Self.lockItem(connection, lease.item, "complete")
                guard fence == lease.fence else { return .staleFence(current: fence) }
                switch state {
                case .done: return .alreadyCompleted
                case .failed, .cancelled: return .notRunning(state)
                case .queued, .leased:
                    // `queued` with the same fence: the lease ran out and the item went back
                    // to the queue, but nobody claimed it since — the result is good.
                    try connection.execute(
                        """
                        UPDATE items SET state = 'done', lease_owner = NULL, lease_expires_at = NULL,
                            result_sha256 = $3, result_size = $4, result_location = $5, completed_by = $6, updated_at = $7
                        WHERE id = $1 AND fence = $2
                        """,
                        [
                            .int(lease.item.rawValue), .int(lease.fence), .text(result.sha256), .int(result.size),
                            .text(result.location), .text(worker.rawValue), .int(time),
                        ])
                    try JobCounts.move(connection, job: job, from: state, to: .done, count: 1, now: time)
                    try Self.blockWorkersThatFailedHere(connection, job: job, succeededOn: worker, threshold: self.policy.blockAfterFailures, now: time)
                    try JobCounts.finishIfDrained(connection, job: job, now: time)
                    return .completed
                }
            }
        }
    }

    public func fail(_ lease: LeaseToken, worker: WorkerID, kind: FailureKind, message: String, now: Date) async throws
        -> FailureOutcome
    {
        let time = milliseconds(now)
        let policy = self.policy
        return try await perform("fail", item: lease.item) { connection in
            try connection.transaction {
                let (job, state, fence, attempt) = try Self.lockItem(connection, lease.item, "fail")
                guard fence == lease.fence else { return .staleFence(current: fence) }
                guard state == .leased else { return .notRunning(state) }
                let retry = kind != .permanent && attempt < policy.maxAttempts
                let newState: ItemState = retry ? .queued : .failed
                try connection.execute(
                    """
                    UPDATE items SET state = $3, attempt = $4, lease_owner = NULL, lease_expires_at = NULL,
                        last_error = $5, updated_at = $6
                    WHERE id = $1 AND fence = $2
                    """,
                    [
                        .int(lease.item.rawValue), .int(lease.fence), .text(newState.rawValue),
                        .int(retry ? attempt + 1 : attempt), .text(message), .int(time),
                    ])
                let counts = kind == .transient
                try Self.recordFailure(
                    connection, item: lease.item, job: job, worker: worker, attempt: attempt, kind: kind,
                    leaseExpired: false, countsAgainstWorker: counts, message: message, now: time)
                try JobCounts.move(connection, job: job, from: .leased, to: newState, count: 1, now: time)
                if counts {
                    try Self.blockIfProvenFaulty(connection, job: job, worker: worker, threshold: policy.blockAfterFailures, now: time)
                }
                try JobCounts.finishIfDrained(connection, job: job, now: time)
                return retry ? .requeued(attempt: attempt + 1) : .failed
            }
        }
    }

    // MARK: Helpers

    /// The item's job, state, fence and attempt, its row locked until the transaction ends.
    static func lockItem(_ connection: any SQLConnection, _ item: ItemID, _ operation: String) throws
        -> (JobID, ItemState, Int64, Int)
    {
        guard
            let row = try connection.query(
                "SELECT job_id, state, fence, attempt FROM items WHERE id = $1\(connection.dialect.forUpdate)",
                [.int(item.rawValue)]
            ).first
        else { throw StoreError(.notFound, operation: operation, item: item, message: "no such item") }
        return (JobID(try row.int(0)), try row.enumValue(1, as: ItemState.self), try row.int(2), Int(try row.int(3)))
    }

    static func recordFailure(
        _ connection: any SQLConnection, item: ItemID, job: JobID, worker: WorkerID?, attempt: Int, kind: FailureKind?,
        leaseExpired: Bool, countsAgainstWorker: Bool, message: String, now: Int64
    ) throws {
        try connection.execute(
            """
            INSERT INTO item_failures (item_id, job_id, worker_id, attempt, kind, lease_expired, counts_against_worker, message, at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            """,
            [
                .int(item.rawValue), .int(job.rawValue), .optional(worker?.rawValue), .int(attempt),
                .optional(kind?.rawValue), .int(leaseExpired ? 1 : 0), .int(countsAgainstWorker ? 1 : 0),
                .text(message), .int(now),
            ])
    }
}

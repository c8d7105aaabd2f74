import Foundation

extension SQLJobStore {
    public func complete(_ lease: LeaseToken, worker: WorkerID, result: ItemResult, now: Date) async throws
        -> CompletionOutcome
    {
        let outcomes = try await complete(
            [CompletionReport(lease: lease, worker: worker, result: result)], now: now)
        return outcomes[0]
    }

    public func complete(_ reports: [CompletionReport], now: Date) async throws -> [CompletionOutcome] {
        guard !reports.isEmpty else { return [] }
        let time = milliseconds(now)
        let threshold = policy.blockAfterFailures
        return try await perform("complete", item: reports.count == 1 ? reports[0].lease.item : nil) {
            connection in
            try connection.transaction {
                try Self.complete(connection, reports, now: time, blockThreshold: threshold)
            }
        }
    }

    /// Item rows first (in id order), then each touched job's row (in id order): the
    /// locking order every writer keeps.
    private static func complete(
        _ connection: any SQLConnection, _ reports: [CompletionReport], now: Int64, blockThreshold: Int
    )
        throws -> [CompletionOutcome]
    {
        var outcomes = [CompletionOutcome](repeating: .alreadyCompleted, count: reports.count)
        var moves: [JobID: [ItemState: Int]] = [:]
        var completers: [JobID: Set<String>] = [:]
        for index in reports.indices.sorted(by: { reports[$0].lease.item < reports[$1].lease.item }) {
            let report = reports[index]
            let (job, state, fence, _) = try lockItem(connection, report.lease.item, "complete")
            guard fence == report.lease.fence else {
                outcomes[index] = .staleFence(current: fence)
                continue
            }
            switch state {
            case .done: outcomes[index] = .alreadyCompleted
            case .failed, .cancelled: outcomes[index] = .notRunning(state)
            case .queued, .leased:
                // `queued` with the same fence: the lease ran out and the item went back to
                // the queue, but nobody claimed it since — the result is good.
                try connection.execute(
                    """
                    UPDATE items SET state = 'done', lease_owner = NULL, lease_expires_at = NULL,
                        result_sha256 = $3, result_size = $4, result_location = $5, completed_by = $6, updated_at = $7
                    WHERE id = $1 AND fence = $2
                    """,
                    [
                        .int(report.lease.item.rawValue), .int(report.lease.fence),
                        .text(report.result.sha256),
                        .int(report.result.size), .text(report.result.location),
                        .text(report.worker.rawValue), .int(now),
                    ])
                moves[job, default: [:]][state, default: 0] += 1
                completers[job, default: []].insert(report.worker.rawValue)
                outcomes[index] = .completed
            }
        }
        for job in moves.keys.sorted() {
            for (from, count) in moves[job]!.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                try JobCounts.move(connection, job: job, from: from, to: .done, count: count, now: now)
            }
            for worker in completers[job, default: []].sorted() {
                try blockWorkersThatFailedHere(
                    connection, job: job, succeededOn: WorkerID(worker), threshold: blockThreshold, now: now)
            }
            try JobCounts.finishIfDrained(connection, job: job, now: now)
        }
        return outcomes
    }

    public func fail(_ lease: LeaseToken, worker: WorkerID, kind: FailureKind, message: String, now: Date)
        async throws
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
                    try Self.blockIfProvenFaulty(
                        connection, job: job, worker: worker, threshold: policy.blockAfterFailures, now: time)
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
        return (
            JobID(try row.int(0)), try row.enumValue(1, as: ItemState.self), try row.int(2),
            Int(try row.int(3))
        )
    }

    static func recordFailure(
        _ connection: any SQLConnection, item: ItemID, job: JobID, worker: WorkerID?, attempt: Int,
        kind: FailureKind?,
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

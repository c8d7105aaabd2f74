import Foundation

/// Blocking a worker for a job.
///
/// A failure counts against a worker only when it is `transient` (not out-of-memory, not
/// permanent, not an expired lease), and a worker is blocked only once the job has shown
/// that its work can succeed: some item of it completed on another worker. So a malformed
/// job or a dead coordinator never blocks healthy workers (AI Horde's issue 417), and a
/// worker that keeps failing where others succeed stops getting that job's items.
/// Checked both when a worker fails (has the job succeeded elsewhere already?) and when
/// an item completes (do other workers now have enough failures here?).
extension SQLJobStore {
    static func blockIfProvenFaulty(
        _ connection: any SQLConnection, job: JobID, worker: WorkerID, threshold: Int, now: Int64
    ) throws {
        guard
            let row = try connection.query(
                """
                SELECT count(*) FROM item_failures
                WHERE job_id = $1 AND worker_id = $2 AND counts_against_worker = 1
                """,
                [.int(job.rawValue), .text(worker.rawValue)]
            ).first
        else { return }
        let failures = try row.int(0)
        guard failures >= threshold else { return }
        let succeededElsewhere = try !connection.query(
            "SELECT 1 FROM items WHERE job_id = $1 AND state = 'done' AND completed_by <> $2 LIMIT 1",
            [.int(job.rawValue), .text(worker.rawValue)]
        ).isEmpty
        guard succeededElsewhere else { return }
        try connection.execute(
            """
            INSERT INTO blocked_workers (job_id, worker_id, failures, blocked_at) VALUES ($1, $2, $3, $4)
            ON CONFLICT (job_id, worker_id) DO NOTHING
            """,
            [.int(job.rawValue), .text(worker.rawValue), .int(failures), .int(now)])
    }

    static func blockWorkersThatFailedHere(
        _ connection: any SQLConnection, job: JobID, succeededOn worker: WorkerID, threshold: Int, now: Int64
    ) throws {
        try connection.execute(
            """
            INSERT INTO blocked_workers (job_id, worker_id, failures, blocked_at)
            SELECT job_id, worker_id, count(*), CAST($3 AS BIGINT) FROM item_failures
            WHERE job_id = $1 AND worker_id <> $2 AND counts_against_worker = 1
            GROUP BY job_id, worker_id HAVING count(*) >= $4
            ON CONFLICT (job_id, worker_id) DO NOTHING
            """,
            [.int(job.rawValue), .text(worker.rawValue), .int(now), .int(threshold)])
    }

    public func blockedWorkers(job: JobID) async throws -> [BlockedWorker] {
        try await perform("blocked workers", job: job) { connection in
            try connection.query(
                "SELECT job_id, worker_id, failures, blocked_at FROM blocked_workers WHERE job_id = $1 ORDER BY worker_id",
                [.int(job.rawValue)]
            ).map { row in
                BlockedWorker(
                    job: JobID(try row.int(0)), worker: WorkerID(try row.text(1)),
                    failures: Int(try row.int(2)),
                    blockedAt: date(milliseconds: try row.int(3)))
            }
        }
    }

    public func block(worker: WorkerID, job: JobID, now: Date) async throws {
        let time = milliseconds(now)
        try await perform("block", job: job) { connection in
            try connection.transaction {
                _ = try Self.jobState(connection, job, "block")
                try connection.execute(
                    """
                    INSERT INTO blocked_workers (job_id, worker_id, failures, blocked_at) VALUES ($1, $2, 0, $3)
                    ON CONFLICT (job_id, worker_id) DO NOTHING
                    """,
                    [.int(job.rawValue), .text(worker.rawValue), .int(time)])
            }
        }
    }

    /// Lifting a block also forgives the failures that led to it, so the worker is not
    /// blocked again by the next completion.
    public func unblock(job: JobID?, since: Date) async throws -> Int {
        let time = milliseconds(since)
        return try await perform("unblock", job: job) { connection in
            try connection.transaction {
                let filter = "(CAST($1 AS BIGINT) IS NULL OR job_id = $1) AND blocked_at >= $2"
                let parameters: [SQLValue] = [.optional(job?.rawValue), .int(time)]
                try connection.execute(
                    """
                    UPDATE item_failures SET counts_against_worker = 0
                    WHERE counts_against_worker = 1 AND EXISTS (
                        SELECT 1 FROM blocked_workers b
                        WHERE b.job_id = item_failures.job_id AND b.worker_id = item_failures.worker_id
                          AND (CAST($1 AS BIGINT) IS NULL OR b.job_id = $1) AND b.blocked_at >= $2)
                    """,
                    parameters)
                return try connection.execute("DELETE FROM blocked_workers WHERE \(filter)", parameters)
            }
        }
    }

    public func unblock(job: JobID, worker: WorkerID?) async throws -> Int {
        try await perform("unblock", job: job) { connection in
            try connection.transaction {
                _ = try Self.jobState(connection, job, "unblock")
                let parameters: [SQLValue] = [.int(job.rawValue), .optional(worker?.rawValue)]
                // Every failure that counted against the worker here is forgiven, not only those
                // behind the block: a wrongly counted failure must not block it again.
                try connection.execute(
                    """
                    UPDATE item_failures SET counts_against_worker = 0
                    WHERE counts_against_worker = 1 AND job_id = $1
                      AND (CAST($2 AS TEXT) IS NULL OR worker_id = $2)
                    """,
                    parameters)
                return try connection.execute(
                    "DELETE FROM blocked_workers WHERE job_id = $1 AND (CAST($2 AS TEXT) IS NULL OR worker_id = $2)",
                    parameters)
            }
        }
    }
}

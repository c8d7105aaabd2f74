import Foundation

/// Leases that end without a report: expired ones, and those of a worker known gone.
/// Either way the item goes back to the queue with attempt + 1 (or fails on its last
/// attempt, so an item that kills every worker it touches cannot loop for ever), and the
/// end is recorded as a failure that never counts against the worker.
extension SQLJobStore {
    public func requeueExpiredLeases(now: Date) async throws -> [ExpiredLease] {
        try await endLeases(.expiredBy(milliseconds(now)), now: now, operation: "requeue expired leases")
    }

    public func releaseLeases(of worker: WorkerID, now: Date) async throws -> [ExpiredLease] {
        try await endLeases(.heldBy(worker), now: now, operation: "release leases")
    }

    enum LeaseSelection: Sendable {
        case expiredBy(Int64)
        case heldBy(WorkerID)
    }

    private func endLeases(_ selection: LeaseSelection, now: Date, operation: String) async throws -> [ExpiredLease] {
        let time = milliseconds(now)
        let maxAttempts = policy.maxAttempts
        var all: [ExpiredLease] = []
        // In slices, each its own short transaction, so a mass expiry never holds locks long.
        while true {
            let slice = try await perform(operation) { connection in
                try connection.transaction {
                    try Self.endLeaseSlice(connection, selection, now: time, maxAttempts: maxAttempts, limit: 500)
                }
            }
            all += slice
            if slice.count < 500 { return all }
        }
    }

    private static func endLeaseSlice(
        _ connection: any SQLConnection, _ selection: LeaseSelection, now: Int64, maxAttempts: Int, limit: Int
    ) throws -> [ExpiredLease] {
        let condition: String
        let parameter: SQLValue
        let why: String
        switch selection {
        case .expiredBy(let time):
            (condition, parameter, why) = ("lease_expires_at <= $1", .int(time), "lease expired")
        case .heldBy(let worker):
            (condition, parameter, why) = ("lease_owner = $1", .text(worker.rawValue), "worker gone")
        }
        // Locked as they are read (PostgreSQL), skipping rows another sweep already holds.
        let rows = try connection.query(
            """
            SELECT id, job_id, lease_owner, fence, attempt FROM items
            WHERE state = 'leased' AND \(condition)
            ORDER BY lease_expires_at, id LIMIT $2\(connection.dialect.skipLocked)
            """,
            [parameter, .int(limit)])
        guard !rows.isEmpty else { return [] }
        var ended: [ExpiredLease] = []
        var moves: [JobID: (requeued: Int, failed: Int)] = [:]
        var ids: [Int64] = []
        for row in rows {
            let item = ItemID(try row.int(0))
            let job = JobID(try row.int(1))
            let retry = Int(try row.int(4)) < maxAttempts
            ids.append(item.rawValue)
            var move = moves[job] ?? (0, 0)
            if retry { move.requeued += 1 } else { move.failed += 1 }
            moves[job] = move
            ended.append(
                ExpiredLease(
                    item: item, job: job, worker: try row.optionalText(2).map(WorkerID.init(rawValue:)),
                    fence: try row.int(3), newState: retry ? .queued : .failed))
        }
        // Two statements for the whole slice, whose rows are locked (PostgreSQL) or under the
        // write lock (SQLite) since the SELECT: the failure records, then the items.
        let list = connection.dialect.inList("id", parameter: 1, ints: ids)
        let message = """
            CAST($2 AS TEXT) || ' on ' || COALESCE(lease_owner, 'an unknown worker') || ' (attempt ' \
            || CAST(attempt AS TEXT) || ' of ' || CAST(CAST($3 AS BIGINT) AS TEXT) || ')'
            """
        let recorded = try connection.execute(
            """
            INSERT INTO item_failures (item_id, job_id, worker_id, attempt, kind, lease_expired, counts_against_worker, message, at)
            SELECT id, job_id, lease_owner, attempt, NULL, 1, 0, \(message), CAST($4 AS BIGINT)
            FROM items WHERE \(list.sql) AND state = 'leased'
            """,
            [list.value, .text(why), .int(maxAttempts), .int(now)])
        let changed = try connection.execute(
            """
            UPDATE items SET
                last_error = \(message),
                state = CASE WHEN attempt < CAST($3 AS BIGINT) THEN 'queued' ELSE 'failed' END,
                attempt = CASE WHEN attempt < CAST($3 AS BIGINT) THEN attempt + 1 ELSE attempt END,
                lease_owner = NULL, lease_expires_at = NULL, updated_at = $4
            WHERE \(list.sql) AND state = 'leased'
            """,
            [list.value, .text(why), .int(maxAttempts), .int(now)])
        guard recorded == ids.count, changed == ids.count else {
            throw StoreError(
                .database(code: "lease race"), operation: "",
                message: "\(ids.count) leases selected but \(recorded) recorded and \(changed) ended: rolled back")
        }
        for (job, move) in moves.sorted(by: { $0.key < $1.key }) {
            try JobCounts.move(connection, job: job, from: .leased, to: .queued, count: move.requeued, now: now)
            try JobCounts.move(connection, job: job, from: .leased, to: .failed, count: move.failed, now: now)
            try JobCounts.finishIfDrained(connection, job: job, now: now)
        }
        return ended
    }
}

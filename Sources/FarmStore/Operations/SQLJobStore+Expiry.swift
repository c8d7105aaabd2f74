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

    /// Only the leases given (same item, fence and owner); the rest are left alone. One
    /// transaction per 500 leases.
    public func release(_ leases: [LeaseToken], worker: WorkerID, now: Date) async throws -> [ExpiredLease] {
        var all: [ExpiredLease] = []
        var start = 0
        while start < leases.count {
            let slice = Array(leases[start..<min(start + 500, leases.count)])
            all += try await endLeases(.given(worker, slice), now: now, operation: "release")
            start += slice.count
        }
        return all
    }

    enum LeaseSelection: Sendable {
        case expiredBy(Int64)
        case heldBy(WorkerID)
        /// These leases of this worker (at most 500: one slice).
        case given(WorkerID, [LeaseToken])
    }

    private func endLeases(_ selection: LeaseSelection, now: Date, operation: String) async throws
        -> [ExpiredLease]
    {
        let time = milliseconds(now)
        let maxAttempts = policy.maxAttempts
        let maxLeaseEnds = policy.maxLeaseEnds
        var all: [ExpiredLease] = []
        // In slices, each its own short transaction, so a mass expiry never holds locks long.
        while true {
            let slice = try await perform(operation) { connection in
                try connection.transaction {
                    try Self.endLeaseSlice(
                        connection, selection, now: time, maxAttempts: maxAttempts,
                        maxLeaseEnds: maxLeaseEnds,
                        limit: 500)
                }
            }
            all += slice
            if case .given = selection { return all }
            if slice.count < 500 { return all }
        }
    }

    private static func endLeaseSlice(
        _ connection: any SQLConnection, _ selection: LeaseSelection, now: Int64, maxAttempts: Int,
        maxLeaseEnds: Int,
        limit: Int
    ) throws -> [ExpiredLease] {
        var condition: String
        var parameters: [SQLValue]
        let why: String
        var fences: [ItemID: Int64]?
        switch selection {
        case .expiredBy(let time):
            (condition, parameters, why) = ("lease_expires_at <= $1", [.int(time)], "lease expired")
        case .heldBy(let worker):
            (condition, parameters, why) = ("lease_owner = $1", [.text(worker.rawValue)], "worker gone")
        case .given(let worker, let leases):
            guard !leases.isEmpty else { return [] }
            let list = connection.dialect.inList("id", parameter: 3, ints: leases.map(\.item.rawValue))
            (condition, parameters, why) = (
                "lease_owner = $1 AND \(list.sql)", [.text(worker.rawValue)], "lease released"
            )
            parameters.append(.int(limit))
            parameters.append(list.value)
            fences = Dictionary(leases.map { ($0.item, $0.fence) }, uniquingKeysWith: { a, _ in a })
        }
        if parameters.count == 1 { parameters.append(.int(limit)) }
        // Locked as they are read (PostgreSQL), skipping rows another sweep already holds.
        let rows = try connection.query(
            """
            SELECT id, job_id, lease_owner, fence, attempt,
                (SELECT COUNT(DISTINCT f.worker_id) FROM item_failures f
                 WHERE f.item_id = items.id AND f.lease_expired = 1 AND f.worker_id <> items.lease_owner)
            FROM items
            WHERE state = 'leased' AND \(condition)
            ORDER BY lease_expires_at, id LIMIT $2\(connection.dialect.skipLocked)
            """,
            parameters)
        guard !rows.isEmpty else { return [] }
        var ended: [ExpiredLease] = []
        var moves: [JobID: (requeued: Int, failed: Int)] = [:]
        var ids: [Int64] = []
        for row in rows {
            let item = ItemID(try row.int(0))
            // A lease given by its fence: an older or newer claim of the item is not it.
            if let fences, fences[item] != (try row.int(3)) { continue }
            let job = JobID(try row.int(1))
            // Ended leases count per worker (this one and the others it ended on before).
            let workers = Int(try row.int(5)) + 1
            let tries = Int(try row.int(4))
            let retry = workers < maxAttempts && tries < maxLeaseEnds
            ids.append(item.rawValue)
            var move = moves[job] ?? (0, 0)
            if retry { move.requeued += 1 } else { move.failed += 1 }
            moves[job] = move
            ended.append(
                ExpiredLease(
                    item: item, job: job, worker: try row.optionalText(2).map(WorkerID.init(rawValue:)),
                    fence: try row.int(3), newState: retry ? .queued : .failed))
        }
        guard !ids.isEmpty else { return [] }
        // Two statements for the whole slice, whose rows are locked (PostgreSQL) or under the
        // write lock (SQLite) since the SELECT: the failure records, then the items.
        let list = connection.dialect.inList("id", parameter: 1, ints: ids)
        let message = """
            CAST($2 AS TEXT) || ' on ' || COALESCE(lease_owner, 'an unknown worker') || ' (attempt ' \
            || CAST(attempt AS TEXT) || ' of ' || CAST(CAST($3 AS BIGINT) AS TEXT) || ')'
            """
        // The same decision as above, in SQL (the failure just recorded is counted).
        let retry = """
            (SELECT COUNT(DISTINCT f.worker_id) FROM item_failures f WHERE f.item_id = items.id AND f.lease_expired = 1) \
            < CAST($3 AS BIGINT) AND attempt < CAST($5 AS BIGINT)
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
                state = CASE WHEN \(retry) THEN 'queued' ELSE 'failed' END,
                attempt = CASE WHEN \(retry) THEN attempt + 1 ELSE attempt END,
                lease_owner = NULL, lease_expires_at = NULL, updated_at = $4
            WHERE \(list.sql) AND state = 'leased'
            """,
            [list.value, .text(why), .int(maxAttempts), .int(now), .int(maxLeaseEnds)])
        guard recorded == ids.count, changed == ids.count else {
            throw StoreError(
                .database(code: "lease race"), operation: "",
                message:
                    "\(ids.count) leases selected but \(recorded) recorded and \(changed) ended: rolled back")
        }
        for (job, move) in moves.sorted(by: { $0.key < $1.key }) {
            try JobCounts.move(
                connection, job: job, from: .leased, to: .queued, count: move.requeued, now: now)
            try JobCounts.move(connection, job: job, from: .leased, to: .failed, count: move.failed, now: now)
            try JobCounts.finishIfDrained(connection, job: job, now: now)
        }
        return ended
    }
}

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
        let rows = try connection.query(
            """
            SELECT id, job_id, lease_owner, fence, attempt FROM items
            WHERE state = 'leased' AND \(condition)
            ORDER BY lease_expires_at, id LIMIT $2\(connection.dialect.skipLocked)
            """,
            [parameter, .int(limit)])
        var ended: [ExpiredLease] = []
        var moves: [JobID: (requeued: Int, failed: Int)] = [:]
        for row in rows {
            let item = ItemID(try row.int(0))
            let job = JobID(try row.int(1))
            let owner = try row.optionalText(2).map(WorkerID.init(rawValue:))
            let fence = try row.int(3)
            let attempt = Int(try row.int(4))
            let retry = attempt < maxAttempts
            let message = "\(why) on \(owner?.rawValue ?? "an unknown worker") (attempt \(attempt) of \(maxAttempts))"
            let changed = try connection.execute(
                """
                UPDATE items SET state = $3, attempt = $4, lease_owner = NULL, lease_expires_at = NULL,
                    last_error = $5, updated_at = $6
                WHERE id = $1 AND fence = $2 AND state = 'leased'
                """,
                [
                    .int(item.rawValue), .int(fence), .text(retry ? "queued" : "failed"),
                    .int(retry ? attempt + 1 : attempt), .text(message), .int(now),
                ])
            guard changed == 1 else { continue }
            try recordFailure(
                connection, item: item, job: job, worker: owner, attempt: attempt, kind: nil, leaseExpired: true,
                countsAgainstWorker: false, message: message, now: now)
            var move = moves[job] ?? (0, 0)
            if retry { move.requeued += 1 } else { move.failed += 1 }
            moves[job] = move
            ended.append(ExpiredLease(item: item, job: job, worker: owner, fence: fence, newState: retry ? .queued : .failed))
        }
        for (job, move) in moves.sorted(by: { $0.key < $1.key }) {
            try JobCounts.move(connection, job: job, from: .leased, to: .queued, count: move.requeued, now: now)
            try JobCounts.move(connection, job: job, from: .leased, to: .failed, count: move.failed, now: now)
            try JobCounts.finishIfDrained(connection, job: job, now: now)
        }
        return ended
    }
}

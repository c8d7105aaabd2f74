import Foundation

extension SQLJobStore {
    /// The most items one claim may take.
    public static let maxClaim = 10_000

    public func claim(worker: WorkerID, batchKey: String?, limit: Int, leaseDuration: TimeInterval, now: Date)
        async throws
        -> [ClaimedItem]
    {
        guard (1...Self.maxClaim).contains(limit) else {
            throw StoreError(
                .invalidInput, operation: "claim", message: "limit \(limit) is outside 1…\(Self.maxClaim)")
        }
        guard leaseDuration > 0, leaseDuration.isFinite else {
            throw StoreError(.invalidInput, operation: "claim", message: "lease duration must be positive")
        }
        let time = milliseconds(now)
        let expires = leaseEnd(now, leaseDuration)
        return try await perform("claim") { connection in
            try connection.transaction {
                try Self.claim(
                    connection, worker: worker, batchKey: batchKey, limit: limit, now: time, expires: expires)
            }
        }
    }

    /// Jobs in dispatch order — priority, then fair share (fewest items leased now), then
    /// age — each asked for the rest of the batch until it is full. One key for the whole
    /// batch: the caller's, or the first waiting item's.
    private static func claim(
        _ connection: any SQLConnection, worker: WorkerID, batchKey: String?, limit: Int, now: Int64,
        expires: Int64
    ) throws -> [ClaimedItem] {
        var key = batchKey
        var claimed: [ClaimedItem] = []
        var perJob: [(JobID, Int)] = []
        // Candidate jobs a page at a time: most claims are filled by the first job or two.
        let page = 32
        var offset = 0
        while claimed.count < limit {
            let candidates = try connection.query(
                """
                SELECT j.id FROM jobs j
                WHERE j.state = 'active' AND j.queued_count > 0
                  AND NOT EXISTS (SELECT 1 FROM blocked_workers b WHERE b.job_id = j.id AND b.worker_id = $1)
                ORDER BY j.priority DESC, j.leased_count ASC, j.id ASC
                LIMIT $2 OFFSET $3
                """,
                [.text(worker.rawValue), .int(page), .int(offset)])
            offset += page
            for candidate in candidates where claimed.count < limit {
                let job = JobID(try candidate.int(0))
                if key == nil {
                    guard
                        let first = try connection.query(
                            "SELECT batch_key FROM items WHERE job_id = $1 AND state = 'queued' ORDER BY idx LIMIT 1",
                            [.int(job.rawValue)]
                        ).first
                    else { continue }
                    key = try first.text(0)
                }
                // PostgreSQL: rows another claimer holds are skipped, not waited for, and a row
                // claimed and committed meanwhile no longer matches state = 'queued' (checked
                // again by the UPDATE on the newest row version, as a second line of defence).
                let rows = try connection.query(
                    """
                    WITH picked AS (
                        SELECT id FROM items
                        WHERE job_id = $1 AND state = 'queued' AND batch_key = $2
                        ORDER BY idx LIMIT $3\(connection.dialect.skipLocked)
                    )
                    UPDATE items SET state = 'leased', fence = fence + 1, lease_owner = $4, lease_expires_at = $5, updated_at = $6
                    WHERE id IN (SELECT id FROM picked) AND state = 'queued'
                    RETURNING \(Columns.claimed)
                    """,
                    [
                        .int(job.rawValue), .text(key!), .int(limit - claimed.count), .text(worker.rawValue),
                        .int(expires), .int(now),
                    ])
                guard !rows.isEmpty else { continue }
                let items = try rows.map { try Columns.claimed($0, job: job, expires: expires) }
                claimed += items.sorted { $0.index < $1.index }
                perJob.append((job, rows.count))
            }
            if candidates.count < page { break }
        }
        // Job rows last and in id order, so concurrent claimers cannot deadlock on them.
        for (job, count) in perJob.sorted(by: { $0.0 < $1.0 }) {
            try JobCounts.move(connection, job: job, from: .queued, to: .leased, count: count, now: now)
        }
        return claimed
    }

    public func renew(_ leases: [LeaseToken], worker: WorkerID, leaseDuration: TimeInterval, now: Date)
        async throws
        -> RenewalOutcome
    {
        guard leaseDuration > 0, leaseDuration.isFinite else {
            throw StoreError(.invalidInput, operation: "renew", message: "lease duration must be positive")
        }
        let time = milliseconds(now)
        let expires = leaseEnd(now, leaseDuration)
        return try await perform("renew") { connection in
            try connection.transaction {
                var outcome = RenewalOutcome(renewed: [], lost: [])
                for lease in leases.sorted(by: { $0.item < $1.item }) {
                    let changed = try connection.execute(
                        """
                        UPDATE items SET lease_expires_at = $4, updated_at = $5
                        WHERE id = $1 AND fence = $2 AND state = 'leased' AND lease_owner = $3
                        """,
                        [
                            .int(lease.item.rawValue), .int(lease.fence), .text(worker.rawValue),
                            .int(expires), .int(time),
                        ])
                    if changed == 1 {
                        outcome.renewed.append(lease.item)
                    } else {
                        outcome.lost.append(lease.item)
                    }
                }
                return outcome
            }
        }
    }

    public func unclaim(_ leases: [LeaseToken], worker: WorkerID, now: Date) async throws -> [ItemID] {
        let time = milliseconds(now)
        return try await perform("unclaim") { connection in
            try connection.transaction {
                var returned: [ItemID] = []
                var perJob: [JobID: Int] = [:]
                for lease in leases.sorted(by: { $0.item < $1.item }) {
                    let rows = try connection.query(
                        """
                        UPDATE items SET state = 'queued', lease_owner = NULL, lease_expires_at = NULL, updated_at = $4
                        WHERE id = $1 AND fence = $2 AND state = 'leased' AND lease_owner = $3
                        RETURNING job_id
                        """,
                        [.int(lease.item.rawValue), .int(lease.fence), .text(worker.rawValue), .int(time)])
                    guard let row = rows.first else { continue }
                    perJob[JobID(try row.int(0)), default: 0] += 1
                    returned.append(lease.item)
                }
                for (job, count) in perJob.sorted(by: { $0.key < $1.key }) {
                    try JobCounts.move(
                        connection, job: job, from: .leased, to: .queued, count: count, now: time)
                }
                return returned
            }
        }
    }
}

/// The per-state item counts on each job row. Every statement that moves items between
/// states adjusts them by exactly the rows it changed, so they stay equal to a GROUP BY
/// over the items (the conformance suite checks this) without one.
enum JobCounts {
    static func column(_ state: ItemState) -> String { "\(state.rawValue)_count" }

    /// Moves `count` items of `job` from one state's count to another's. The SQL is built
    /// from the store's own state names only.
    static func move(
        _ connection: any SQLConnection, job: JobID, from: ItemState, to: ItemState, count: Int, now: Int64
    ) throws {
        guard count > 0, from != to else { return }
        let a = column(from), b = column(to)
        try connection.execute(
            "UPDATE jobs SET \(a) = \(a) - $2, \(b) = \(b) + $2, updated_at = $3 WHERE id = $1",
            [.int(job.rawValue), .int(count), .int(now)])
    }

    /// A running job whose items have all finished becomes done (or failed, when some
    /// item failed for good).
    static func finishIfDrained(_ connection: any SQLConnection, job: JobID, now: Int64) throws {
        try connection.execute(
            """
            UPDATE jobs SET state = CASE WHEN failed_count > 0 THEN 'failed' ELSE 'done' END,
                finished_at = $2, updated_at = $2
            WHERE id = $1 AND state IN ('active', 'paused') AND queued_count = 0 AND leased_count = 0
            """,
            [.int(job.rawValue), .int(now)])
    }
}

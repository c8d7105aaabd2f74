import Foundation

extension SQLJobStore {
    /// The most items one job may hold.
    public static let maxItemsPerJob = 10_000_000

    public func submit(_ submission: JobSubmission, now: Date) async throws -> JobID {
        try Self.validate(submission)
        let time = milliseconds(now)
        let faultPoints = self.faultPoints
        return try await perform("submit") { connection in
            try connection.transaction {
                guard
                    let row = try connection.query(
                        """
                        INSERT INTO jobs (owner, priority, state, settings, total, queued_count, created_at, updated_at)
                        VALUES ($1, $2, 'active', $3, $4, $4, $5, $5) RETURNING id
                        """,
                        [
                            .text(submission.owner), .int(submission.priority), .text(submission.settings),
                            .int(submission.items.count), .int(time),
                        ]
                    ).first
                else {
                    throw StoreError(
                        .database(code: "no row"), operation: "", message: "INSERT … RETURNING gave no id")
                }
                let job = JobID(try row.int(0))
                do {
                    try connection.insertItems(job: job, items: submission.items, now: time)
                } catch let error as StoreError {
                    throw error.context(operation: "submit", job: job, item: nil)
                }
                faultPoints.reach(.submitBeforeCommit)
                return job
            }
        }
    }

    /// Rejects what one backend would store and the other would not (NUL characters) and
    /// jobs without items.
    static func validate(_ submission: JobSubmission) throws {
        func invalid(_ message: String) -> StoreError {
            StoreError(.invalidInput, operation: "submit", message: message)
        }
        guard !submission.items.isEmpty else { throw invalid("a job needs at least one item") }
        guard submission.items.count <= maxItemsPerJob else {
            throw invalid(
                "\(submission.items.count) items is more than the limit of \(maxItemsPerJob) per job")
        }
        for (name, text) in [("owner", submission.owner), ("settings", submission.settings)]
        where text.utf8.contains(0) {
            throw invalid("the job's \(name) contains a NUL character")
        }
        for (index, item) in submission.items.enumerated() {
            for (name, text) in [
                ("prompt", item.prompt), ("negative prompt", item.negativePrompt),
                ("settings", item.settings),
                ("batch key", item.batchKey),
            ] where text.utf8.contains(0) {
                throw invalid("item \(index): the \(name) contains a NUL character")
            }
        }
    }

    public func job(_ id: JobID) async throws -> JobRecord? {
        try await perform("read job", job: id) { connection in
            try connection.query("SELECT \(Columns.job) FROM jobs WHERE id = $1", [.int(id.rawValue)]).first
                .map(Columns.job)
        }
    }

    public func jobs(_ filter: JobFilter) async throws -> [JobRecord] {
        guard filter.limit >= 0 else {
            throw StoreError(.invalidInput, operation: "list jobs", message: "negative limit")
        }
        return try await perform("list jobs") { connection in
            var sql = """
                SELECT \(Columns.job) FROM jobs
                WHERE (CAST($1 AS TEXT) IS NULL OR owner = $1) AND (CAST($2 AS BIGINT) IS NULL OR id < $2)
                """
            var parameters: [SQLValue] = [
                .optional(filter.owner), .optional(filter.before?.rawValue), .int(filter.limit),
            ]
            if let states = filter.states {
                let condition = connection.dialect.inList(
                    "state", parameter: 4, texts: states.map(\.rawValue).sorted())
                sql += " AND " + condition.sql
                parameters.append(condition.value)
            }
            sql += " ORDER BY id DESC LIMIT $3"
            return try connection.query(sql, parameters).map(Columns.job)
        }
    }

    public func progress(_ id: JobID) async throws -> JobProgress {
        guard let job = try await job(id) else { throw Self.noJob(id, "progress") }
        return job.progress
    }

    public func cancel(_ id: JobID, now: Date) async throws -> JobRecord {
        let time = milliseconds(now)
        return try await perform("cancel", job: id) { connection in
            try connection.transaction {
                let state = try Self.jobState(connection, id, "cancel")
                if state.isFinished { return try Self.fetchJob(connection, id, "cancel") }
                // Items first, then the job row: every writer takes item rows before job rows.
                // Lock the job's runnable items (waiting for claims in flight), count them by
                // state, then cancel exactly those: nothing can slip between two statements.
                let runnable = try connection.query(
                    """
                    SELECT state, count(*) FROM (
                        SELECT state FROM items WHERE job_id = $1 AND state IN ('queued', 'leased')\(connection.dialect.forUpdate)
                    ) locked GROUP BY state
                    """,
                    [.int(id.rawValue)])
                let changed = try connection.execute(
                    """
                    UPDATE items SET state = 'cancelled', lease_owner = NULL, lease_expires_at = NULL, updated_at = $2
                    WHERE job_id = $1 AND state IN ('queued', 'leased')
                    """,
                    [.int(id.rawValue), .int(time)])
                var counted = 0
                for row in runnable {
                    let from = try row.enumValue(0, as: ItemState.self)
                    let count = Int(try row.int(1))
                    try JobCounts.move(
                        connection, job: id, from: from, to: .cancelled, count: count, now: time)
                    counted += count
                }
                guard counted == changed else {
                    throw StoreError(
                        .database(code: "cancel race"), operation: "cancel", job: id,
                        message: "\(counted) runnable items locked but \(changed) cancelled: rolled back")
                }
                try connection.execute(
                    "UPDATE jobs SET state = 'cancelled', finished_at = $2, updated_at = $2 WHERE id = $1 AND state IN ('active', 'paused')",
                    [.int(id.rawValue), .int(time)])
                return try Self.fetchJob(connection, id, "cancel")
            }
        }
    }

    public func pause(_ id: JobID, now: Date) async throws -> JobRecord {
        try await changeState(
            id, operation: "pause", from: [.active], to: .paused, alreadyThere: [.paused], now: now)
    }

    public func resume(_ id: JobID, now: Date) async throws -> JobRecord {
        try await changeState(
            id, operation: "resume", from: [.paused], to: .active, alreadyThere: [.active], now: now)
    }

    private func changeState(
        _ id: JobID, operation: String, from: Set<JobState>, to: JobState, alreadyThere: Set<JobState>,
        now: Date
    ) async throws -> JobRecord {
        let time = milliseconds(now)
        return try await perform(operation, job: id) { connection in
            try connection.transaction {
                // The condition is in the UPDATE, so a concurrent change of state (re-checked
                // by PostgreSQL on the newest row) cannot be overwritten.
                let condition = connection.dialect.inList(
                    "state", parameter: 4, texts: from.map(\.rawValue).sorted())
                let changed = try connection.execute(
                    "UPDATE jobs SET state = $2, updated_at = $3 WHERE id = $1 AND \(condition.sql)",
                    [.int(id.rawValue), .text(to.rawValue), .int(time), condition.value])
                if changed == 0 {
                    let state = try Self.jobState(connection, id, operation)
                    guard alreadyThere.contains(state) else {
                        throw StoreError(
                            .invalidState, operation: operation, job: id,
                            message: "the job is \(state.rawValue)")
                    }
                }
                return try Self.fetchJob(connection, id, operation)
            }
        }
    }

    public func setPriority(_ id: JobID, priority: Int, now: Date) async throws -> JobRecord {
        let time = milliseconds(now)
        return try await perform("set priority", job: id) { connection in
            try connection.transaction {
                let changed = try connection.execute(
                    "UPDATE jobs SET priority = $2, updated_at = $3 WHERE id = $1",
                    [.int(id.rawValue), .int(priority), .int(time)])
                guard changed == 1 else { throw Self.noJob(id, "set priority") }
                return try Self.fetchJob(connection, id, "set priority")
            }
        }
    }

    public func retryFailed(_ id: JobID, now: Date) async throws -> Int {
        let time = milliseconds(now)
        return try await perform("retry failed", job: id) { connection in
            try connection.transaction {
                let state = try Self.jobState(connection, id, "retry failed")
                guard state != .cancelled else {
                    throw StoreError(
                        .invalidState, operation: "retry failed", job: id, message: "the job is cancelled")
                }
                let count = try connection.execute(
                    "UPDATE items SET state = 'queued', attempt = 1, updated_at = $2 WHERE job_id = $1 AND state = 'failed'",
                    [.int(id.rawValue), .int(time)])
                guard count > 0 else { return 0 }
                try JobCounts.move(connection, job: id, from: .failed, to: .queued, count: count, now: time)
                try connection.execute(
                    """
                    UPDATE jobs SET state = CASE WHEN state IN ('done', 'failed') THEN 'active' ELSE state END,
                        finished_at = NULL, updated_at = $2
                    WHERE id = $1
                    """,
                    [.int(id.rawValue), .int(time)])
                return count
            }
        }
    }

    // MARK: Helpers

    static func noJob(_ id: JobID, _ operation: String) -> StoreError {
        StoreError(.notFound, operation: operation, job: id, message: "no such job")
    }

    /// The job's state, read without locking the job row: writers take item rows before
    /// job rows, and the UPDATEs that follow re-check the state they depend on.
    static func jobState(_ connection: any SQLConnection, _ id: JobID, _ operation: String) throws -> JobState
    {
        guard
            let row = try connection.query("SELECT state FROM jobs WHERE id = $1", [.int(id.rawValue)]).first
        else {
            throw noJob(id, operation)
        }
        return try row.enumValue(0, as: JobState.self)
    }

    static func fetchJob(_ connection: any SQLConnection, _ id: JobID, _ operation: String) throws
        -> JobRecord
    {
        guard
            let row = try connection.query(
                "SELECT \(Columns.job) FROM jobs WHERE id = $1", [.int(id.rawValue)]
            ).first
        else {
            throw noJob(id, operation)
        }
        return try Columns.job(row)
    }
}

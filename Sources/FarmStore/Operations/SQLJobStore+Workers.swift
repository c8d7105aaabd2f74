import Foundation

extension SQLJobStore {
    public func upsertWorker(id: WorkerID, name: String, capabilities: String, state: WorkerState, now: Date)
        async throws
        -> WorkerRecord
    {
        let time = milliseconds(now)
        return try await perform("upsert worker") { connection in
            guard
                let row = try connection.query(
                    """
                    INSERT INTO workers (id, name, capabilities, state, first_seen, last_seen) VALUES ($1, $2, $3, $4, $5, $5)
                    ON CONFLICT (id) DO UPDATE SET name = excluded.name, capabilities = excluded.capabilities,
                        state = excluded.state, last_seen = excluded.last_seen
                    RETURNING \(Columns.worker)
                    """,
                    [.text(id.rawValue), .text(name), .text(capabilities), .text(state.rawValue), .int(time)]
                ).first
            else {
                throw StoreError(
                    .database(code: "no row"), operation: "", message: "upsert returned no row for \(id)")
            }
            return try Columns.worker(row)
        }
    }

    public func touchWorker(_ id: WorkerID, state: WorkerState?, now: Date) async throws {
        let time = milliseconds(now)
        try await perform("touch worker") { connection in
            let changed = try connection.execute(
                "UPDATE workers SET last_seen = $2, state = COALESCE(CAST($3 AS TEXT), state) WHERE id = $1",
                [.text(id.rawValue), .int(time), .optional(state?.rawValue)])
            guard changed == 1 else { throw StoreError(.notFound, operation: "", message: "no such \(id)") }
        }
    }

    public func worker(_ id: WorkerID) async throws -> WorkerRecord? {
        try await perform("read worker") { connection in
            try connection.query("SELECT \(Columns.worker) FROM workers WHERE id = $1", [.text(id.rawValue)])
                .first.map(Columns.worker)
        }
    }

    public func workers(states: Set<WorkerState>?) async throws -> [WorkerRecord] {
        try await perform("list workers") { connection in
            var sql = "SELECT \(Columns.worker) FROM workers"
            var parameters: [SQLValue] = []
            if let states {
                let condition = connection.dialect.inList(
                    "state", parameter: 1, texts: states.map(\.rawValue).sorted())
                sql += " WHERE " + condition.sql
                parameters.append(condition.value)
            }
            return try connection.query(sql + " ORDER BY id", parameters).map(Columns.worker)
        }
    }

    public func markWorkers(lastSeenBefore: Date, as state: WorkerState) async throws -> [WorkerID] {
        let time = milliseconds(lastSeenBefore)
        return try await perform("mark workers") { connection in
            try connection.query(
                "UPDATE workers SET state = $2 WHERE last_seen < $1 AND state <> $2 RETURNING id",
                [.int(time), .text(state.rawValue)]
            ).map { WorkerID(try $0.text(0)) }.sorted { $0.rawValue < $1.rawValue }
        }
    }
}

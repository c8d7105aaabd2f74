import Foundation

extension SQLJobStore {
    public func item(_ id: ItemID) async throws -> ItemRecord? {
        try await perform("read item", item: id) { connection in
            try connection.query("SELECT \(Columns.item) FROM items WHERE id = $1", [.int(id.rawValue)]).first
                .map(Columns.item)
        }
    }

    public func items(_ filter: ItemFilter) async throws -> [ItemRecord] {
        guard filter.limit >= 0, filter.fromIndex >= 0 else {
            throw StoreError(
                .invalidInput, operation: "list items", job: filter.job, message: "negative limit or index")
        }
        return try await perform("list items", job: filter.job) { connection in
            var sql = "SELECT \(Columns.item) FROM items WHERE job_id = $1 AND idx >= $2"
            var parameters: [SQLValue] = [
                .int(filter.job.rawValue), .int(filter.fromIndex), .int(filter.limit),
            ]
            if let states = filter.states {
                let condition = connection.dialect.inList(
                    "state", parameter: 4, texts: states.map(\.rawValue).sorted())
                sql += " AND " + condition.sql
                parameters.append(condition.value)
            }
            sql += " ORDER BY idx LIMIT $3"
            return try connection.query(sql, parameters).map(Columns.item)
        }
    }

    public func failures(of item: ItemID) async throws -> [FailureRecord] {
        try await perform("failures", item: item) { connection in
            try connection.query(
                "SELECT \(Columns.failure) FROM item_failures WHERE item_id = $1 ORDER BY id",
                [.int(item.rawValue)]
            ).map(Columns.failure)
        }
    }

    public func queuedBatchKeys(limit: Int) async throws -> [QueuedBatchKey] {
        guard limit >= 0 else {
            throw StoreError(.invalidInput, operation: "queued batch keys", message: "negative limit")
        }
        return try await perform("queued batch keys") { connection in
            try connection.query(
                """
                SELECT i.batch_key, count(*), max(j.priority) FROM items i JOIN jobs j ON j.id = i.job_id
                WHERE i.state = 'queued' AND j.state = 'active'
                GROUP BY i.batch_key
                ORDER BY max(j.priority) DESC, count(*) DESC, i.batch_key
                LIMIT $1
                """,
                [.int(limit)]
            ).map { row in
                QueuedBatchKey(
                    batchKey: try row.text(0), queued: Int(try row.int(1)), topPriority: Int(try row.int(2)))
            }
        }
    }
}

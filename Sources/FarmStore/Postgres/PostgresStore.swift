import Foundation

/// The production job store: PostgreSQL through libpq. Several coordinators may share one
/// database; claims use `FOR UPDATE SKIP LOCKED`.
public final class PostgresStore: SQLJobStore, @unchecked Sendable {
    /// Connects to `url` (a libpq URL or key=value string, e.g.
    /// `postgres://user@host:5432/db`) and migrates the database. With `schema`, every
    /// table lives in that schema (created when missing) — tests use one per run.
    /// `applicationName` is what pg_stat_activity shows for the store's connections.
    public init(
        url: String, schema: String? = nil, policy: StorePolicy = .default, maxConnections: Int = 8,
        applicationName: String = "sdfarm"
    ) async throws {
        if let schema { try PostgresConnection.validate(schema: schema) }
        let migrations = try Migrator.load(.postgres)
        let pool = ConnectionPool(maxConnections: maxConnections) {
            try PostgresConnection(url: url, schema: schema, applicationName: applicationName)
        }
        super.init(pool: pool, policy: policy)
        let now = milliseconds(Date())
        do {
            try await perform("open") { connection in try Migrator.migrate(connection, migrations, now: now) }
        } catch {
            pool.close()
            throw error
        }
    }
}

extension PostgresStore {
    /// Drops a schema made with `init(url:schema:)` and everything in it — for benchmarks
    /// and tests that work in a throwaway schema.
    public static func dropSchema(_ schema: String, url: String) async throws {
        try PostgresConnection.validate(schema: schema)
        let pool = ConnectionPool(maxConnections: 1) { try PostgresConnection(url: url, schema: nil) }
        defer { pool.close() }
        do {
            try await pool.run { connection in
                try connection.executeScript("DROP SCHEMA IF EXISTS \"\(schema)\" CASCADE")
            }
        } catch let error as StoreError {
            throw error.context(operation: "drop schema", job: nil, item: nil)
        }
    }
}

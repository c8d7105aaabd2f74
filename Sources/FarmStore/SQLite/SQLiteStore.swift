import Foundation

/// The embedded job store: one SQLite file (WAL journal, busy timeout), nothing to install
/// or start. Several processes may open the same file; SQLite serialises the writers.
public final class SQLiteStore: SQLJobStore, @unchecked Sendable {
    /// The database file.
    public let path: String

    /// Opens (creating when missing) the database at `path` and migrates it.
    public init(
        path: String, policy: StorePolicy = .default, maxConnections: Int = 4,
        busyTimeout: Duration = .seconds(30)
    ) async throws {
        guard !path.isEmpty, path != ":memory:", !path.hasPrefix("file::memory:"),
            !path.contains("mode=memory")
        else {
            throw StoreError(
                .invalidInput, operation: "open",
                message:
                    "SQLite needs a file (each pooled connection would get its own in-memory database); use a temporary directory"
            )
        }
        self.path = path
        let migrations = try Migrator.load(.sqlite)
        let pool = ConnectionPool(maxConnections: maxConnections) {
            try SQLiteConnection(path: path, busyTimeout: busyTimeout)
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

import Foundation

/// The operations of `JobStore`, written once against `SQLConnection` so that both
/// backends run the very same statements and decisions (only `SQLDialect` differs).
/// `SQLiteStore` and `PostgresStore` are this class with their own ways to connect.
public class SQLJobStore: JobStore, @unchecked Sendable {
    // @unchecked: every stored property is an immutable `let` of a Sendable type; the
    // class is only non-final so that the two backends can name themselves.
    let pool: ConnectionPool
    public let policy: StorePolicy
    /// Where tests stop the store on purpose (see `StoreFaultPoints`).
    public let faultPoints = StoreFaultPoints()

    init(pool: ConnectionPool, policy: StorePolicy) {
        self.pool = pool
        self.policy = policy
    }

    /// Runs `body` on a pooled connection; errors gain the operation and subject.
    func perform<T: Sendable>(
        _ operation: String, job: JobID? = nil, item: ItemID? = nil,
        _ body: @escaping @Sendable (any SQLConnection) throws -> T
    ) async throws -> T {
        do {
            return try await pool.run(body)
        } catch let error as StoreError {
            throw error.context(operation: operation, job: job, item: item)
        } catch {
            throw StoreError(
                .database(code: "unknown"), operation: operation, job: job, item: item, message: "\(error)")
        }
    }

    public func schemaVersion() async throws -> Int {
        try await perform("schema version") { connection in
            try Migrator.currentVersion(connection)
        }
    }

    public func close() async {
        pool.close()
    }
}

/// Unix milliseconds, the store's unit of time in both databases.
func milliseconds(_ date: Date) -> Int64 {
    Int64((date.timeIntervalSince1970 * 1000).rounded())
}

func date(milliseconds: Int64) -> Date {
    Date(timeIntervalSince1970: Double(milliseconds) / 1000)
}

func leaseEnd(_ now: Date, _ duration: TimeInterval) -> Int64 {
    milliseconds(now) + Int64((duration * 1000).rounded())
}

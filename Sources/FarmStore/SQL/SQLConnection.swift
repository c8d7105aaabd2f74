/// How the two backends' SQL differs where the shared operations care.
enum SQLDialect: Sendable {
    case sqlite, postgres

    /// Appended to a SELECT that picks rows to claim: PostgreSQL locks them and lets other
    /// claimers skip past; SQLite's single writer needs nothing.
    var skipLocked: String { self == .postgres ? " FOR UPDATE SKIP LOCKED" : "" }

    /// Appended to a SELECT of a row that is about to be changed.
    var forUpdate: String { self == .postgres ? " FOR UPDATE" : "" }

    /// A condition "column is one of the values of parameter $n", and the parameter's
    /// value. Binds one parameter (an array on PostgreSQL, a JSON array on SQLite) rather
    /// than building SQL from the values.
    func inList(_ column: String, parameter n: Int, texts: [String]) -> (sql: String, value: SQLValue) {
        switch self {
        case .postgres:
            let literal =
                "{" + texts.map { "\"" + $0.replacingBackslashesAndQuotes() + "\"" }.joined(separator: ",")
                + "}"
            return ("\(column) = ANY(CAST($\(n) AS TEXT[]))", .text(literal))
        case .sqlite:
            let json =
                "[" + texts.map { "\"" + $0.replacingBackslashesAndQuotes() + "\"" }.joined(separator: ",")
                + "]"
            return ("\(column) IN (SELECT value FROM json_each($\(n)))", .text(json))
        }
    }

    /// The same for a list of integers (row ids).
    func inList(_ column: String, parameter n: Int, ints: [Int64]) -> (sql: String, value: SQLValue) {
        let joined = ints.map(String.init).joined(separator: ",")
        switch self {
        case .postgres: return ("\(column) = ANY(CAST($\(n) AS BIGINT[]))", .text("{" + joined + "}"))
        case .sqlite: return ("\(column) IN (SELECT value FROM json_each($\(n)))", .text("[" + joined + "]"))
        }
    }
}

extension String {
    /// Escapes `\` and `"` for an array literal (PostgreSQL) or a JSON string (SQLite).
    /// Only used for the store's own enum names, never for user text.
    fileprivate func replacingBackslashesAndQuotes() -> String {
        replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }
}

/// One open database connection, used by one thread at a time (the pool sees to that).
/// Statements are prepared once per connection and reused. Errors are `StoreError`s with
/// the database's code and message; callers add the operation and subject.
protocol SQLConnection: AnyObject {
    var dialect: SQLDialect { get }

    /// Runs one statement with bound parameters (`$1`, `$2`, …) and returns its rows.
    @discardableResult
    func query(_ sql: String, _ parameters: [SQLValue]) throws -> [SQLRow]

    /// Runs one statement with bound parameters and returns how many rows it changed.
    @discardableResult
    func execute(_ sql: String, _ parameters: [SQLValue]) throws -> Int

    /// Runs a script of several statements without parameters (migrations only).
    func executeScript(_ sql: String) throws

    /// Starts a transaction; `write` transactions take the write lock up front on SQLite.
    func begin(write: Bool) throws
    func commit() throws
    /// Never throws: a failed rollback leaves the connection broken, and the pool drops it.
    func rollback()

    /// Inserts a job's items in the fastest way the backend has (COPY on PostgreSQL, one
    /// prepared statement on SQLite), inside the caller's transaction.
    func insertItems(job: JobID, items: [ItemSpec], now: Int64) throws

    /// True when a failed transaction may succeed if run again (deadlock, serialization
    /// failure, SQLite busy).
    func isTransient(_ error: Error) -> Bool

    /// True when the connection is no longer usable (server gone).
    var isBroken: Bool { get }

    /// How many statements have succeeded on this connection: the pool compares it before
    /// and after an operation to know whether a failed operation did anything at all.
    var completedStatements: Int { get }

    func close()
}

extension SQLConnection {
    /// Runs `body` in a transaction, committing on success and rolling back on error;
    /// transient failures (deadlocks, busy) are retried a few times from the start.
    func transaction<T>(write: Bool = true, _ body: () throws -> T) throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            try begin(write: write)
            do {
                let value = try body()
                try commit()
                return value
            } catch {
                rollback()
                if attempt < 8 && isTransient(error) && !isBroken { continue }
                throw error
            }
        }
    }
}

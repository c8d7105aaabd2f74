import CSQLite
import Foundation

/// One SQLite connection: WAL journal, a busy timeout, foreign keys on, statements
/// prepared once and cached.
final class SQLiteConnection: SQLConnection {
    let dialect = SQLDialect.sqlite
    private var db: OpaquePointer?
    private var statements: [String: OpaquePointer] = [:]
    private let path: String
    private(set) var completedStatements = 0

    /// SQLite copies bound text (SQLITE_TRANSIENT), so Swift's buffers may go.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(path: String, busyTimeout: Duration) throws {
        self.path = path
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let status = sqlite3_open_v2(path, &db, flags, nil)
        guard status == SQLITE_OK, db != nil else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(db)
            db = nil
            throw StoreError(
                .connection, operation: "open", message: "cannot open SQLite database \(path): \(message)")
        }
        let milliseconds =
            busyTimeout.components.seconds * 1000 + busyTimeout.components.attoseconds / 1_000_000_000_000_000
        sqlite3_busy_timeout(db, Int32(clamping: milliseconds))
        do {
            // WAL: readers never block the writer; synchronous=FULL: a commit is on disk
            // when it returns (a render farm must not lose a completion to a power cut).
            let mode = try query("PRAGMA journal_mode = WAL", [])
            guard let first = mode.first, try first.text(0).lowercased() == "wal" else {
                throw StoreError(
                    .connection, operation: "open", message: "\(path): SQLite refused WAL journal mode")
            }
            try executeScript("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")
        } catch {
            close()
            throw error
        }
    }

    deinit { close() }

    var isBroken: Bool { db == nil }

    func close() {
        for statement in statements.values { sqlite3_finalize(statement) }
        statements = [:]
        if let db { sqlite3_close_v2(db) }
        db = nil
    }

    // MARK: Statements

    @discardableResult
    func query(_ sql: String, _ parameters: [SQLValue]) throws -> [SQLRow] {
        let statement = try prepared(sql, parameters)
        defer { sqlite3_reset(statement); sqlite3_clear_bindings(statement) }
        var rows: [SQLRow] = []
        let columns = sqlite3_column_count(statement)
        while true {
            let status = sqlite3_step(statement)
            if status == SQLITE_DONE {
                completedStatements += 1
                return rows
            }
            guard status == SQLITE_ROW else { throw failure(status, sql) }
            var values: [SQLValue] = []
            values.reserveCapacity(Int(columns))
            for column in 0..<columns {
                switch sqlite3_column_type(statement, column) {
                case SQLITE_NULL: values.append(.null)
                case SQLITE_INTEGER: values.append(.int(sqlite3_column_int64(statement, column)))
                case SQLITE_FLOAT: values.append(.text(String(sqlite3_column_double(statement, column))))
                default:
                    if let text = sqlite3_column_text(statement, column) {
                        values.append(.text(String(cString: text)))
                    } else {
                        values.append(.null)
                    }
                }
            }
            rows.append(SQLRow(values: values))
        }
    }

    @discardableResult
    func execute(_ sql: String, _ parameters: [SQLValue]) throws -> Int {
        let statement = try prepared(sql, parameters)
        defer { sqlite3_reset(statement); sqlite3_clear_bindings(statement) }
        while true {
            let status = sqlite3_step(statement)
            if status == SQLITE_DONE {
                completedStatements += 1
                return Int(sqlite3_changes(db))
            }
            guard status == SQLITE_ROW else { throw failure(status, sql) }
        }
    }

    func executeScript(_ sql: String) throws {
        guard let db else {
            throw StoreError(.connection, operation: "", message: "\(path): connection closed")
        }
        var message: UnsafeMutablePointer<CChar>?
        let status = sqlite3_exec(db, sql, nil, nil, &message)
        if status != SQLITE_OK {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(db))
            sqlite3_free(message)
            throw StoreError(.database(code: "sqlite \(status)"), operation: "", message: text)
        }
        completedStatements += 1
    }

    /// The cached statement for `sql`, with `parameters` bound. `$n` placeholders are
    /// rewritten to SQLite's `?n`, which binds by number exactly like PostgreSQL.
    private func prepared(_ sql: String, _ parameters: [SQLValue]) throws -> OpaquePointer {
        guard let db else {
            throw StoreError(.connection, operation: "", message: "\(path): connection closed")
        }
        let statement: OpaquePointer
        if let cached = statements[sql] {
            statement = cached
        } else {
            var made: OpaquePointer?
            let status = sqlite3_prepare_v3(
                db, Self.numberedPlaceholders(sql), -1, UInt32(SQLITE_PREPARE_PERSISTENT), &made, nil)
            guard status == SQLITE_OK, let made else { throw failure(status, sql) }
            statements[sql] = made
            statement = made
        }
        for (offset, value) in parameters.enumerated() {
            let index = Int32(offset + 1)
            let status: Int32
            switch value {
            case .null: status = sqlite3_bind_null(statement, index)
            case .int(let number): status = sqlite3_bind_int64(statement, index, number)
            case .text(let text): status = sqlite3_bind_text(statement, index, text, -1, Self.transient)
            }
            guard status == SQLITE_OK else { throw failure(status, sql) }
        }
        return statement
    }

    /// The store's SQL never has `$` inside a string literal, so every `$` is a placeholder.
    static func numberedPlaceholders(_ sql: String) -> String {
        sql.replacingOccurrences(of: "$", with: "?")
    }

    private func failure(_ status: Int32, _ sql: String) -> StoreError {
        let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "connection closed"
        let statement = sql.split(whereSeparator: \.isNewline).first.map(String.init) ?? sql
        return StoreError(
            .database(code: "sqlite \(status)"), operation: "",
            message: "\(message) (in: \(statement.prefix(100)))")
    }

    // MARK: Transactions

    func begin(write: Bool) throws {
        try executeScript(write ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED")
    }

    func commit() throws {
        try executeScript("COMMIT")
    }

    func rollback() {
        guard let db, sqlite3_get_autocommit(db) == 0 else { return }
        if sqlite3_exec(db, "ROLLBACK", nil, nil, nil) != SQLITE_OK { close() }
    }

    func isTransient(_ error: Error) -> Bool {
        guard let error = error as? StoreError, case .database(let code) = error.kind else { return false }
        return code == "sqlite \(SQLITE_BUSY)" || code == "sqlite \(SQLITE_LOCKED)"
    }

    // MARK: Bulk insert

    func insertItems(job: JobID, items: [ItemSpec], now: Int64) throws {
        let sql = """
            INSERT INTO items (job_id, idx, prompt, negative_prompt, seed, settings, batch_key, state, attempt, fence, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, 'queued', 1, 0, $8)
            """
        for (index, item) in items.enumerated() {
            try execute(
                sql,
                [
                    .int(job.rawValue), .int(index), .text(item.prompt), .text(item.negativePrompt),
                    .int(Int64(bitPattern: item.seed)), .text(item.settings), .text(item.batchKey), .int(now),
                ])
        }
    }
}

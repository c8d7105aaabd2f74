import CPostgres
import Foundation

/// One libpq connection. Every statement with values goes through PQprepare and
/// PQexecPrepared with bound parameters (prepared once per connection, by SQL text);
/// items are bulk-loaded with COPY. Values travel in text format.
final class PostgresConnection: SQLConnection {
    let dialect = SQLDialect.postgres
    private var connection: OpaquePointer?
    private var prepared: [String: String] = [:]
    private(set) var completedStatements = 0

    init(url: String, schema: String?, applicationName: String = "sdfarm") throws {
        connection = PQconnectdb(url)
        guard let connection, PQstatus(connection) == CONNECTION_OK else {
            let message = connection.map { String(cString: PQerrorMessage($0)) } ?? "out of memory"
            close()
            throw StoreError(
                .connection, operation: "connect",
                message:
                    "cannot connect to PostgreSQL: \(message.trimmingCharacters(in: .whitespacesAndNewlines))"
            )
        }
        do {
            // Operators see "sdfarm" in pg_stat_activity (unless the URL names itself).
            if !url.contains("application_name") {
                try query("SELECT set_config('application_name', $1, false)", [.text(applicationName)])
            }
            if let schema {
                try Self.validate(schema: schema)
                // An identifier cannot be a bound parameter; the name was checked above to be
                // [a-z_][a-z0-9_]*, so quoting it is enough.
                do {
                    try executeScript("CREATE SCHEMA IF NOT EXISTS \"\(schema)\"")
                } catch let error as StoreError
                    where error.kind == .database(code: "23505") || error.kind == .database(code: "42P06")
                {
                    // Another connection created it at the same moment.
                }
                try query("SELECT set_config('search_path', $1, false)", [.text("\"\(schema)\"")])
            }
        } catch {
            close()
            throw error
        }
    }

    static func validate(schema: String) throws {
        let allowed = schema.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 }
        guard allowed, let first = schema.utf8.first, !(48...57).contains(first), schema.utf8.count <= 63
        else {
            throw StoreError(
                .invalidInput, operation: "connect",
                message:
                    "schema name \(schema.debugDescription) must be lowercase letters, digits and _, not starting with a digit"
            )
        }
    }

    deinit { close() }

    var isBroken: Bool { connection.map { PQstatus($0) != CONNECTION_OK } ?? true }

    func close() {
        if let connection { PQfinish(connection) }
        connection = nil
        prepared = [:]
    }

    // MARK: Statements

    @discardableResult
    func query(_ sql: String, _ parameters: [SQLValue]) throws -> [SQLRow] {
        let result = try run(sql, parameters)
        defer { PQclear(result) }
        let rows = PQntuples(result)
        let columns = PQnfields(result)
        var out: [SQLRow] = []
        out.reserveCapacity(Int(rows))
        for row in 0..<rows {
            var values: [SQLValue] = []
            values.reserveCapacity(Int(columns))
            for column in 0..<columns {
                if PQgetisnull(result, row, column) == 1 {
                    values.append(.null)
                } else {
                    values.append(.text(String(cString: PQgetvalue(result, row, column))))
                }
            }
            out.append(SQLRow(values: values))
        }
        return out
    }

    @discardableResult
    func execute(_ sql: String, _ parameters: [SQLValue]) throws -> Int {
        let result = try run(sql, parameters)
        defer { PQclear(result) }
        return Int(String(cString: PQcmdTuples(result))) ?? 0
    }

    func executeScript(_ sql: String) throws {
        let connection = try open()
        let result = PQexec(connection, sql)
        defer { PQclear(result) }
        try check(result, sql)
        completedStatements += 1
    }

    private func open() throws -> OpaquePointer {
        guard let connection else {
            throw StoreError(.connection, operation: "", message: "PostgreSQL connection closed")
        }
        return connection
    }

    /// Prepares `sql` on first use, then executes it with `parameters` bound.
    private func run(_ sql: String, _ parameters: [SQLValue]) throws -> OpaquePointer? {
        let connection = try open()
        let name: String
        if let cached = prepared[sql] {
            name = cached
        } else {
            name = "sdfarm_\(prepared.count + 1)"
            let result = PQprepare(connection, name, sql, 0, nil)
            defer { PQclear(result) }
            try check(result, sql)
            prepared[sql] = name
        }
        let texts: [UnsafeMutablePointer<CChar>?] = parameters.map { value in
            switch value {
            case .null: return nil
            case .int(let number): return strdup(String(number))
            case .text(let text): return strdup(text)
            }
        }
        defer { texts.forEach { free($0) } }
        let result = texts.map { UnsafePointer($0) }.withUnsafeBufferPointer { values in
            PQexecPrepared(connection, name, Int32(parameters.count), values.baseAddress, nil, nil, 0)
        }
        do {
            try check(result, sql)
        } catch {
            PQclear(result)
            throw error
        }
        completedStatements += 1
        return result
    }

    private func check(_ result: OpaquePointer?, _ sql: String) throws {
        let status = result.map(PQresultStatus) ?? PGRES_FATAL_ERROR
        guard status != PGRES_COMMAND_OK, status != PGRES_TUPLES_OK, status != PGRES_COPY_IN else { return }
        throw failure(result, sql)
    }

    private func failure(_ result: OpaquePointer?, _ sql: String) -> StoreError {
        var code = "unknown"
        var message = connection.map { String(cString: PQerrorMessage($0)) } ?? "connection closed"
        if let result {
            if let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))) {
                code = String(cString: state)
            }
            let text = String(cString: PQresultErrorMessage(result))
            if !text.isEmpty { message = text }
        }
        if isBroken { code = code == "unknown" ? "connection lost" : code }
        let statement = sql.split(whereSeparator: \.isNewline).first.map(String.init) ?? sql
        return StoreError(
            .database(code: code), operation: "",
            message:
                "\(message.trimmingCharacters(in: .whitespacesAndNewlines)) (in: \(statement.trimmingCharacters(in: .whitespaces).prefix(100)))"
        )
    }

    // MARK: Transactions

    func begin(write: Bool) throws { try executeScript("BEGIN") }
    func commit() throws { try executeScript("COMMIT") }

    func rollback() {
        guard let connection, PQtransactionStatus(connection) != PQTRANS_IDLE else { return }
        let result = PQexec(connection, "ROLLBACK")
        if result.map(PQresultStatus) != PGRES_COMMAND_OK { close() }
        PQclear(result)
    }

    /// Serialization failures and deadlocks: the transaction may simply be run again.
    func isTransient(_ error: Error) -> Bool {
        guard let error = error as? StoreError else { return false }
        return error.kind == .database(code: "40001") || error.kind == .database(code: "40P01")
    }

    // MARK: Bulk insert

    func insertItems(job: JobID, items: [ItemSpec], now: Int64) throws {
        let connection = try open()
        let sql = """
            COPY items (job_id, idx, prompt, negative_prompt, seed, settings, batch_key, state, attempt, fence, updated_at) \
            FROM STDIN
            """
        let start = PQexec(connection, sql)
        defer { PQclear(start) }
        guard start.map(PQresultStatus) == PGRES_COPY_IN else { throw failure(start, sql) }
        var buffer = PostgresCopyBuffer()
        let prefix = "\(job.rawValue)\t"
        let suffix = "\tqueued\t1\t0\t\(now)\n"
        for (index, item) in items.enumerated() {
            buffer.appendRaw(prefix)
            buffer.appendRaw(String(index))
            buffer.appendRaw("\t")
            buffer.appendField(item.prompt)
            buffer.appendRaw("\t")
            buffer.appendField(item.negativePrompt)
            buffer.appendRaw("\t")
            buffer.appendRaw(String(Int64(bitPattern: item.seed)))
            buffer.appendRaw("\t")
            buffer.appendField(item.settings)
            buffer.appendRaw("\t")
            buffer.appendField(item.batchKey)
            buffer.appendRaw(suffix)
            if buffer.count >= 1 << 20 { try send(&buffer, connection, sql) }
        }
        try send(&buffer, connection, sql)
        guard PQputCopyEnd(connection, nil) == 1 else { throw failure(nil, sql) }
        let end = PQgetResult(connection)
        defer { PQclear(end) }
        try check(end, sql)
        // Drain to the final NULL so the connection is ready for the next statement.
        while let extra = PQgetResult(connection) { PQclear(extra) }
    }

    private func send(_ buffer: inout PostgresCopyBuffer, _ connection: OpaquePointer, _ sql: String) throws {
        guard buffer.count > 0 else { return }
        let sent = buffer.bytes.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) {
                PQputCopyData(connection, $0.baseAddress, Int32($0.count))
            }
        }
        guard sent == 1 else { throw failure(nil, sql) }
        buffer.bytes.removeAll(keepingCapacity: true)
    }
}

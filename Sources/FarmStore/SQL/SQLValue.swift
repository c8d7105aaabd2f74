/// A bound parameter or a returned column, as both backends see it.
enum SQLValue: Sendable, Equatable {
    case null
    case int(Int64)
    case text(String)

    static func int(_ value: Int) -> SQLValue { .int(Int64(value)) }
    static func optional(_ value: String?) -> SQLValue { value.map(SQLValue.text) ?? .null }
    static func optional(_ value: Int64?) -> SQLValue { value.map(SQLValue.int) ?? .null }
}

/// One result row. PostgreSQL hands every column back as text; the accessors parse.
struct SQLRow: Sendable {
    var values: [SQLValue]

    func int(_ column: Int) throws -> Int64 {
        switch values[column] {
        case .int(let value): return value
        case .text(let text):
            if let value = Int64(text) { return value }
            throw SQLRow.malformed(column, "expected an integer, got \(text.prefix(40))")
        case .null: throw SQLRow.malformed(column, "expected an integer, got NULL")
        }
    }

    func optionalInt(_ column: Int) throws -> Int64? {
        if case .null = values[column] { return nil }
        return try int(column)
    }

    func text(_ column: Int) throws -> String {
        switch values[column] {
        case .text(let text): return text
        case .int(let value): return String(value)
        case .null: throw SQLRow.malformed(column, "expected text, got NULL")
        }
    }

    func optionalText(_ column: Int) throws -> String? {
        if case .null = values[column] { return nil }
        return try text(column)
    }

    func enumValue<E: RawRepresentable>(_ column: Int, as type: E.Type) throws -> E
    where E.RawValue == String {
        let raw = try text(column)
        guard let value = E(rawValue: raw) else { throw SQLRow.malformed(column, "unknown \(E.self) \(raw)") }
        return value
    }

    private static func malformed(_ column: Int, _ message: String) -> StoreError {
        StoreError(.database(code: "decode"), operation: "", message: "column \(column): \(message)")
    }
}

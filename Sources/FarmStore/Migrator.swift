import Foundation

/// One numbered schema change, shipped as a resource:
/// Migrations/<SQLite|PostgreSQL>/NNNN_name.sql.
struct Migration: Sendable, Equatable {
    var version: Int
    var name: String
    var sql: String
}

/// Applies the shipped migrations at start-up, in one transaction, and refuses a
/// database whose schema is newer than this binary (before writing anything).
enum Migrator {
    /// Serialises coordinators migrating the same PostgreSQL database at once.
    static let advisoryLockKey: Int64 = 0x5D_FA_57_0E

    static func load(_ dialect: SQLDialect) throws -> [Migration] {
        let folder = dialect == .sqlite ? "SQLite" : "PostgreSQL"
        func broken(_ message: String) -> StoreError {
            StoreError(.migrations, operation: "migrate", message: "Migrations/\(folder): \(message)")
        }
        guard let root = Bundle.module.url(forResource: "Migrations", withExtension: nil) else {
            throw broken(
                "the FarmStore resource bundle has no Migrations folder (install it next to the binary)")
        }
        let directory = root.appendingPathComponent(folder)
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter {
                $0.hasSuffix(".sql")
            }
        } catch {
            throw broken("cannot list \(directory.path): \(error.localizedDescription)")
        }
        var migrations: [Migration] = []
        for name in names {
            let stem = name.dropLast(4)
            guard let underscore = stem.firstIndex(of: "_"), let version = Int(stem[..<underscore]),
                version > 0
            else {
                throw broken("\(name) is not named NNNN_description.sql")
            }
            let sql: String
            do {
                sql = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            } catch {
                throw broken("cannot read \(name): \(error.localizedDescription)")
            }
            migrations.append(
                Migration(version: version, name: String(stem[stem.index(after: underscore)...]), sql: sql))
        }
        migrations.sort { $0.version < $1.version }
        for (offset, migration) in migrations.enumerated() where migration.version != offset + 1 {
            throw broken(
                "versions must run 1, 2, 3… without gaps; found \(migration.version) at position \(offset + 1)"
            )
        }
        guard !migrations.isEmpty else { throw broken("no migrations found") }
        return migrations
    }

    /// The highest applied migration, 0 for an empty database.
    static func currentVersion(_ connection: any SQLConnection) throws -> Int {
        let exists: Bool
        switch connection.dialect {
        case .sqlite:
            exists =
                try connection.query(
                    "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
                    []
                ).first?.int(0) == 1
        case .postgres:
            exists =
                try connection.query("SELECT CAST(to_regclass('schema_migrations') AS TEXT)", []).first?
                .optionalText(0) != nil
        }
        guard exists else { return 0 }
        return Int(
            try connection.query("SELECT COALESCE(max(version), 0) FROM schema_migrations", []).first?.int(0)
                ?? 0)
    }

    static func migrate(_ connection: any SQLConnection, _ migrations: [Migration], now: Int64) throws {
        let latest = migrations.last?.version ?? 0
        try connection.transaction(write: true) {
            if connection.dialect == .postgres {
                try connection.query("SELECT pg_advisory_xact_lock($1)", [.int(advisoryLockKey)])
            }
            let current = try currentVersion(connection)
            guard current <= latest else {
                throw StoreError(
                    .schemaTooNew(database: current, binary: latest), operation: "migrate",
                    message: """
                        the database's schema is at version \(current) but this sdfarm knows only up to \
                        \(latest): upgrade sdfarm (nothing was written)
                        """)
            }
            for migration in migrations where migration.version > current {
                do {
                    try connection.executeScript(migration.sql)
                } catch let error as StoreError {
                    var error = error
                    error.message = "migration \(migration.version) (\(migration.name)): \(error.message)"
                    throw error
                }
                try connection.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                    [.int(migration.version), .text(migration.name), .int(now)])
            }
        }
    }
}

import Foundation
import Testing

@testable import FarmStore

/// The backends the conformance suite runs on: SQLite always, PostgreSQL when
/// SDFARM_TEST_DATABASE_URL names a server (scripts/test starts one).
enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    static let postgresURL: String? = {
        let url = ProcessInfo.processInfo.environment["SDFARM_TEST_DATABASE_URL"]
        return url?.isEmpty == false ? url : nil
    }()

    static let skipReason =
        "SDFARM_TEST_DATABASE_URL is unset: the PostgreSQL half of the job-store conformance suite is SKIPPED (run scripts/test, which starts PostgreSQL)"

    /// The arguments of every conformance test.
    static let all: [Backend] = {
        guard postgresURL != nil else {
            print("WARNING: \(skipReason)")
            return [.sqlite]
        }
        return [.sqlite, .postgres]
    }()

    var testDescription: String { rawValue }
}

/// A throwaway database for one test: a fresh SQLite file in a temporary directory, or a
/// fresh schema on the test PostgreSQL server (so runs never see each other's rows).
final class TestDatabase: Sendable {
    let backend: Backend
    /// The SQLite file, or the PostgreSQL schema.
    let name: String
    private let directory: String?

    init(_ backend: Backend) {
        self.backend = backend
        let token = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        switch backend {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "sdfarm-store-\(token)"
            ).path
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            self.directory = directory
            name = directory + "/jobs.sqlite"
        case .postgres:
            directory = nil
            name = "sdfarm_test_\(token)"
        }
    }

    /// Opens a store on this database; call again for more connections of one's own.
    func open(policy: StorePolicy = .default, maxConnections: Int = 4) async throws -> SQLJobStore {
        switch backend {
        case .sqlite: return try await SQLiteStore(path: name, policy: policy, maxConnections: maxConnections)
        case .postgres:
            return try await PostgresStore(
                url: Backend.postgresURL!, schema: name, policy: policy, maxConnections: maxConnections)
        }
    }

    /// Runs raw SQL on its own connection (test set-up that the store has no operation for).
    func raw(_ sql: String, _ parameters: [SQLValue] = []) throws -> [SQLRow] {
        let connection: any SQLConnection
        switch backend {
        case .sqlite: connection = try SQLiteConnection(path: name, busyTimeout: .seconds(30))
        case .postgres: connection = try PostgresConnection(url: Backend.postgresURL!, schema: name)
        }
        defer { connection.close() }
        return try connection.query(sql, parameters)
    }

    func destroy() {
        switch backend {
        case .sqlite:
            if let directory { try? FileManager.default.removeItem(atPath: directory) }
        case .postgres:
            if let connection = try? PostgresConnection(url: Backend.postgresURL!, schema: nil) {
                try? connection.executeScript("DROP SCHEMA IF EXISTS \"\(name)\" CASCADE")
                connection.close()
            }
        }
    }
}

/// Runs `body` with a store on a fresh database, and throws the database away afterwards.
func withStore(
    _ backend: Backend, policy: StorePolicy = .default,
    _ body: (SQLJobStore, TestDatabase) async throws -> Void
) async throws {
    let database = TestDatabase(backend)
    defer { database.destroy() }
    let store = try await database.open(policy: policy)
    do {
        try await body(store, database)
    } catch {
        await store.close()
        throw error
    }
    await store.close()
}

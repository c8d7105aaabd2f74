import Foundation
import Testing

@testable import FarmStore

/// Errors say which operation failed, on what, and what the database said.
@Suite struct ErrorConformanceTests {
    @Test(arguments: Backend.all)
    func statementErrorsCarryTheDatabasesMessage(_ backend: Backend) async throws {
        try await withStore(backend) { _, database in
            do {
                _ = try database.raw("SELECT nothing FROM no_such_table WHERE id = $1", [.int(1)])
                Issue.record("a query on a missing table succeeded")
            } catch let error as StoreError {
                guard case .database(let code) = error.kind else {
                    Issue.record("expected a database error, got \(error.kind)")
                    return
                }
                #expect(code == (backend == .postgres ? "42P01" : "sqlite 1"))
                #expect(error.message.contains("no_such_table"))
                #expect(error.message.contains("SELECT nothing FROM no_such_table"))
            }
        }
    }

    @Test(arguments: Backend.all)
    func unreachableDatabasesSayWhy(_ backend: Backend) async throws {
        do {
            switch backend {
            case .sqlite: _ = try await SQLiteStore(path: "/nonexistent-\(UUID())/dir/jobs.sqlite")
            case .postgres:
                _ = try await PostgresStore(url: "postgres://nobody@127.0.0.1:1/none?connect_timeout=5")
            }
            Issue.record("opened a database that cannot exist")
        } catch let error as StoreError {
            #expect(error.kind == .connection)
            #expect(error.operation == "connect" || error.operation == "open")
            #expect(error.message.contains(backend == .sqlite ? "unable to open database file" : "127.0.0.1"))
        }
    }

    @Test func inMemorySQLiteIsRefusedClearly() async throws {
        await #expect(throws: StoreError.self) { try await SQLiteStore(path: ":memory:") }
    }

    @Test(.enabled(if: Backend.postgresURL != nil, "\(Backend.skipReason)"))
    func theStoreCarriesOnAfterTheServerDropsItsConnections() async throws {
        let database = TestDatabase(.postgres)
        defer { database.destroy() }
        let name = "sdfarm-test-\(UUID().uuidString.prefix(8))"
        let store = try await PostgresStore(
            url: Backend.postgresURL!, schema: database.name, maxConnections: 2, applicationName: name)
        let id = try await store.submit(job(count: 2), now: t0)
        // The function in the select list runs only for the rows the WHERE clause kept.
        let terminated = try database.raw(
            "SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity WHERE application_name = $1",
            [.text(name)])
        #expect(
            try terminated.filter { try $0.text(0) == "t" }.count >= 1,
            "no connection of the store was found to terminate")
        #expect(try await store.job(id)?.progress.total == 2)
        #expect(
            try await store.claim(worker: "w", batchKey: nil, limit: 2, leaseDuration: 60, now: t0).count == 2
        )
        await store.close()
    }
}

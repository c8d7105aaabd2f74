import Foundation
import Testing

@testable import FarmStore

@Suite struct MigrationConformanceTests {
    @Test(arguments: Backend.all)
    func migrationsApplyOnceAndReopenCleanly(_ backend: Backend) async throws {
        try await withStore(backend) { store, database in
            let latest = try Migrator.load(backend == .sqlite ? .sqlite : .postgres).count
            #expect(try await store.schemaVersion() == latest)
            let id = try await store.submit(job(count: 3), now: t0)
            let reopened = try await database.open()
            #expect(try await reopened.schemaVersion() == latest)
            #expect(try await reopened.job(id)?.progress.total == 3)
            await reopened.close()
            let applied = try database.raw("SELECT count(*) FROM schema_migrations")
            #expect(try applied.first?.int(0) == Int64(latest))
        }
    }

    @Test(arguments: Backend.all)
    func aNewerSchemaIsRefusedBeforeAnyWrite(_ backend: Backend) async throws {
        try await withStore(backend) { store, database in
            let latest = try await store.schemaVersion()
            _ = try database.raw(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, 'from the future', 0)",
                [.int(latest + 1)])
            do {
                _ = try await database.open()
                Issue.record("a database with a newer schema was opened")
            } catch let error as StoreError {
                #expect(error.kind == .schemaTooNew(database: latest + 1, binary: latest))
                #expect(error.operation == "migrate")
                #expect(error.message.contains("upgrade sdfarm"))
            }
            let versions = try database.raw("SELECT version FROM schema_migrations ORDER BY version").map {
                try $0.int(0)
            }
            #expect(versions == (1...latest + 1).map(Int64.init))
        }
    }

    @Test func shippedMigrationsAreNumberedFromOne() throws {
        for dialect in [SQLDialect.sqlite, .postgres] {
            let migrations = try Migrator.load(dialect)
            #expect(migrations.map(\.version) == Array(1...migrations.count))
            #expect(migrations.first?.name == "init")
        }
        #expect(
            try Migrator.load(.sqlite).count == Migrator.load(.postgres).count,
            "each migration needs both dialects")
    }
}

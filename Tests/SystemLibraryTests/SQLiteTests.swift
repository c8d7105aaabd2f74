import CSQLite
import Foundation
import Testing

/// Proves the CSQLite target: a file written, closed, reopened and read.
@Suite struct SQLiteTests {
    @Test func fileSurvivesCloseAndReopen() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sdfarm-\(UUID()).sqlite")
            .path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

        var db: OpaquePointer?
        #expect(sqlite3_open(path, &db) == SQLITE_OK)
        #expect(
            sqlite3_exec(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, prompt TEXT NOT NULL)", nil, nil, nil)
                == SQLITE_OK)
        var insert: OpaquePointer?
        #expect(
            sqlite3_prepare_v2(db, "INSERT INTO t (id, prompt) VALUES (?1, ?2)", -1, &insert, nil)
                == SQLITE_OK)
        for (id, prompt) in [(1, "a red circle"), (2, "it's a 'quoted' star; DROP TABLE t")] {
            sqlite3_bind_int64(insert, 1, Int64(id))
            sqlite3_bind_text(insert, 2, prompt, -1, transient)
            #expect(sqlite3_step(insert) == SQLITE_DONE)
            sqlite3_reset(insert)
        }
        sqlite3_finalize(insert)
        #expect(sqlite3_close(db) == SQLITE_OK)

        var reopened: OpaquePointer?
        #expect(sqlite3_open_v2(path, &reopened, SQLITE_OPEN_READONLY, nil) == SQLITE_OK)
        defer { sqlite3_close(reopened) }
        var select: OpaquePointer?
        #expect(
            sqlite3_prepare_v2(reopened, "SELECT prompt FROM t ORDER BY id", -1, &select, nil) == SQLITE_OK)
        defer { sqlite3_finalize(select) }
        var prompts: [String] = []
        while sqlite3_step(select) == SQLITE_ROW {
            prompts.append(String(cString: sqlite3_column_text(select, 0)))
        }
        #expect(prompts == ["a red circle", "it's a 'quoted' star; DROP TABLE t"])
    }
}

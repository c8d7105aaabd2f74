import CPostgres
import Foundation
import Testing

/// Proves the CPostgres target against a real server: scripts/test starts one and exports
/// SDFARM_TEST_DATABASE_URL.
@Suite struct PostgresTests {
    static let url = ProcessInfo.processInfo.environment["SDFARM_TEST_DATABASE_URL"]

    @Test(
        .enabled(
            if: url != nil, "SDFARM_TEST_DATABASE_URL is unset: run scripts/test, which starts PostgreSQL"))
    func queryWithBoundParameters() throws {
        let connection = PQconnectdb(Self.url!)
        defer { PQfinish(connection) }
        #expect(PQstatus(connection) == CONNECTION_OK, "\(String(cString: PQerrorMessage(connection)))")

        let values = ["41", "it's a 'quoted'; DROP TABLE x"]
        var pointers = values.map { strdup($0) }
        defer { pointers.forEach { free($0) } }
        let result = pointers.withUnsafeMutableBufferPointer { buffer in
            buffer.withMemoryRebound(to: UnsafePointer<CChar>?.self) { params in
                PQexecParams(
                    connection, "SELECT $1::int + 1, length($2::text), $2::text", 2, nil,
                    params.baseAddress, nil, nil, 0)
            }
        }
        defer { PQclear(result) }
        #expect(PQresultStatus(result) == PGRES_TUPLES_OK, "\(String(cString: PQerrorMessage(connection)))")
        #expect(String(cString: PQgetvalue(result, 0, 0)) == "42")
        #expect(String(cString: PQgetvalue(result, 0, 1)) == "\(values[1].count)")
        #expect(String(cString: PQgetvalue(result, 0, 2)) == values[1])
    }
}

@Test func postgresURLIsSetOrSkippingIsLoud() {
    if PostgresTests.url == nil {
        print("WARNING: SDFARM_TEST_DATABASE_URL is unset — PostgreSQL tests are SKIPPED. Run scripts/test.")
    }
}

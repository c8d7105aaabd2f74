import Foundation
import Synchronization
import Testing

@testable import FarmStore

/// The pool bounds concurrency, reuses connections and replaces broken ones.
@Suite struct ConnectionPoolTests {
    /// A connection that does nothing but count; `breakAfterUse` makes it report itself
    /// broken after its first use.
    final class FakeConnection: SQLConnection, @unchecked Sendable {
        let dialect = SQLDialect.sqlite
        var isBroken = false
        /// False once the "server" has gone: the next statement fails and breaks the connection.
        var serverUp = true
        var completedStatements = 0
        let breakAfterUse: Bool
        init(breakAfterUse: Bool) { self.breakAfterUse = breakAfterUse }
        func use() { if breakAfterUse { isBroken = true } }
        func query(_ sql: String, _ parameters: [SQLValue]) throws -> [SQLRow] {
            guard serverUp else {
                isBroken = true
                throw StoreError(
                    .database(code: "connection lost"), operation: "", message: "server closed the connection"
                )
            }
            completedStatements += 1
            return []
        }
        func execute(_ sql: String, _ parameters: [SQLValue]) throws -> Int { 0 }
        func executeScript(_ sql: String) throws {}
        func begin(write: Bool) throws {}
        func commit() throws {}
        func rollback() {}
        func insertItems(job: JobID, items: [ItemSpec], now: Int64) throws {}
        func isTransient(_ error: Error) -> Bool { false }
        func close() {}
    }

    struct Counters {
        var opened = 0
        var inFlight = 0
        var maxInFlight = 0
    }

    final class Shared<Value: Sendable>: Sendable {
        let mutex: Mutex<Value>
        init(_ value: Value) { mutex = Mutex(value) }
        func withLock<R: Sendable>(_ body: (inout Value) -> R) -> R { mutex.withLock { body(&$0) } }
    }

    @Test func concurrencyIsBoundedAndConnectionsReused() async throws {
        let counters = Shared(Counters())
        let pool = ConnectionPool(maxConnections: 2) {
            counters.withLock { $0.opened += 1 }
            return FakeConnection(breakAfterUse: false)
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<40 {
                group.addTask {
                    try await pool.run { _ in
                        counters.withLock {
                            $0.inFlight += 1; $0.maxInFlight = max($0.maxInFlight, $0.inFlight)
                        }
                        // Hold the connection a while.
                        for _ in 0..<20_000 { _ = counters.withLock { $0.inFlight } }
                        counters.withLock { $0.inFlight -= 1 }
                    }
                }
            }
            try await group.waitForAll()
        }
        let final = counters.withLock { $0 }
        #expect(final.maxInFlight <= 2)
        #expect(final.opened <= 2)
        #expect(final.inFlight == 0)
        pool.close()
        await #expect(throws: StoreError.self) { try await pool.run { _ in 1 } }
    }

    @Test func brokenConnectionsAreReplaced() async throws {
        let opened = Shared(0)
        let pool = ConnectionPool(maxConnections: 1) {
            opened.withLock { $0 += 1 }
            return FakeConnection(breakAfterUse: true)
        }
        for _ in 0..<3 {
            try await pool.run { connection in (connection as! FakeConnection).use() }
        }
        #expect(opened.withLock { $0 } == 3)
    }

    @Test func aFailingFactoryGivesItsSlotBack() async throws {
        let attempts = Shared(0)
        let pool = ConnectionPool(maxConnections: 1) {
            let attempt = attempts.withLock {
                $0 += 1; return $0
            }
            if attempt == 1 { throw StoreError(.connection, operation: "connect", message: "refused") }
            return FakeConnection(breakAfterUse: false)
        }
        await #expect(throws: StoreError.self) { try await pool.run { _ in 1 } }
        #expect(try await pool.run { _ in 2 } == 2)
    }

    @Test func anOperationThatFoundItsIdleConnectionDeadRunsAgainOnANewOne() async throws {
        let made = Shared<[FakeConnection]>([])
        let pool = ConnectionPool(maxConnections: 1) {
            let connection = FakeConnection(breakAfterUse: false)
            made.withLock { $0.append(connection) }
            return connection
        }
        _ = try await pool.run { connection in try connection.query("SELECT 1", []) }
        made.withLock { $0[0].serverUp = false }  // the server restarts while the connection idles
        let rows = try await pool.run { connection in try connection.query("SELECT 1", []) }
        #expect(rows.isEmpty)
        #expect(made.withLock { $0.count } == 2)

        // But never once a statement of the operation went through: it may have done something.
        made.withLock { $0[1].serverUp = true }
        await #expect(throws: StoreError.self) {
            try await pool.run { connection in
                try connection.query("UPDATE …", [])
                (connection as! FakeConnection).serverUp = false
                try connection.query("UPDATE …", [])
            }
        }
        #expect(made.withLock { $0.count } == 2)
    }
}

import FarmStore
import Foundation
import Logging

/// Opens the job store at start-up, waiting for a database that is not there yet (PostgreSQL
/// restarting, or starting after the coordinator): connection failures are retried with
/// backoff (0.5 s doubling to 10 s) for up to `wait` seconds, each attempt logged; any other
/// failure (a bad URL, a schema newer than this binary, a SQLite file that cannot be opened)
/// ends at once.
enum StoreOpening {
    static func open(
        _ location: StoreLocation, wait: Double, logger: Logger,
        sleep: (Double) async throws -> Void = { try await Task.sleep(for: .seconds($0)) }
    ) async throws -> any JobStore {
        var delay = 0.5
        var waited = 0.0
        var attempt = 1
        while true {
            do {
                return try await location.open()
            } catch let error as StoreError
                where error.kind == .connection && location.isServer && waited < wait
            {
                logger.warning(
                    "waiting for the job store (attempt \(attempt), retrying in \(delay) s): \(error)")
                try await sleep(delay)
                waited += delay
                delay = min(delay * 2, 10)
                attempt += 1
            }
        }
    }
}

extension StoreLocation {
    /// A database server, which may come back (a SQLite file does not).
    var isServer: Bool {
        if case .postgres = self { return true }
        return false
    }
}

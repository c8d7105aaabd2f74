import FarmStore
import Foundation
import Logging

/// Store errors are never swallowed: each is logged with what was being done (rate-limited,
/// so a full disk does not flood the log), counted per operation in the metrics, and marks
/// the store failing for `status`/`why` until a call succeeds again. The caller then
/// decides what the failure means for the work in hand.
extension CoordinatorCore {
    /// Runs one store call; on failure records it (see above) and returns nil. A write that
    /// succeeds (`heals`) may mark the store healthy again; a read never does.
    func storeCall<T: Sendable>(
        _ operation: String, _ context: @autoclosure () -> String, heals: Bool = true,
        _ body: () async throws -> T
    ) async -> T? {
        do {
            let value = try await body()
            if heals { storeWorked() }
            return value
        } catch {
            storeFailed(operation, context(), error)
            return nil
        }
    }

    /// Records a failed store call made elsewhere (one whose caller handles the error itself).
    func storeFailed(_ operation: String, _ context: String, _ error: any Error) {
        counters.storeErrors[operation, default: 0] += 1
        storeHealth.failed(operation, error, now: clock.now())
        logRepeated(.error, "store \(operation) failed (\(context)): \(error)")
    }

    /// A client's request failed in the store itself (not a mistake of the client's): logged,
    /// counted and shown like any other store failure.
    public func clientRequestFailed(_ error: StoreError) {
        storeFailed(error.operation.isEmpty ? "client request" : error.operation, "a client's request", error)
    }

    /// A write succeeded outside `storeCall`: the store may be healthy again.
    func storeWorked() {
        storeHealth.wrote(now: clock.now())
    }

    /// Writes `line` unless an identical one went out within `repeatedErrorInterval`.
    func logRepeated(_ level: Logger.Level, _ line: String) {
        guard let admitted = repeatedLines.admit(line, now: clock.now()) else { return }
        logger.log(level: level, "\(admitted)")
    }
}

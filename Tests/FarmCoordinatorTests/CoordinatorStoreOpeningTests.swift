import FarmStore
import Foundation
import Logging
import Testing

@testable import FarmCoordinator
@testable import FarmTesting

/// A coordinator started while its database is down waits for it (found by scripts/chaos: it
/// exited with "store connect failed" while PostgreSQL restarted).
@Suite("Coordinator: opening the job store")
struct CoordinatorStoreOpeningTests {
    /// Nothing listens on this port: every connection is refused at once.
    static let nobody = StoreLocation.postgres(url: "postgres://sdfarm@127.0.0.1:1/sdfarm")

    @Test func aDatabaseThatRefusesConnectionsIsRetriedWithBackoffUntilTheWaitEnds() async throws {
        let capture = LogCapture()
        let logger = Logger(label: "test") { _ in capture }
        let slept = Box<[Double]>()
        _ = slept.set([])
        let error = await #expect(throws: StoreError.self) {
            _ = try await StoreOpening.open(Self.nobody, wait: 20, logger: logger) { seconds in
                _ = slept.set(slept.value + [seconds])
            }
        }
        #expect(error?.kind == .connection)
        #expect(slept.value == [0.5, 1, 2, 4, 8, 10])
        #expect(capture.lines.count == 6)
        #expect(
            capture.lines.first?.hasPrefix("waiting for the job store (attempt 1, retrying in 0.5 s)") == true
        )
    }

    @Test func otherFailuresEndAtOnce() async throws {
        let sqlite = StoreLocation.sqlite(path: "/proc/sdfarm-cannot-be-here/store.sqlite")
        let slept = Box<Int>()
        _ = slept.set(0)
        await #expect(throws: StoreError.self) {
            _ = try await StoreOpening.open(sqlite, wait: 60, logger: Logger(label: "test")) { _ in
                _ = slept.set(slept.value + 1)
            }
        }
        #expect(slept.value == 0)
    }
}

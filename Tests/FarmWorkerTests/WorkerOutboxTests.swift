import Foundation
import Testing

@testable import FarmTesting
@testable import FarmWorker

@Suite("Worker: result outbox and reconnect backoff")
struct WorkerOutboxTests {
    static func scratch() -> String {
        let dir = NSTemporaryDirectory() + "sdfarm-outbox-\(UUID().uuidString)"
        return dir
    }

    @Test func resultsSurviveUntilAcknowledged() throws {
        let dir = Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let outbox = try ResultOutbox(directory: dir)
        let a = RenderedImage(item: 5, png: Array("png-5".utf8), latents: [1, 2, 3, 4])
        let b = RenderedImage(item: 3, png: Array("png-3".utf8), latents: [5, 6, 7, 8])
        try outbox.put(item: 5, fence: 2, job: 1, image: a, elapsed: 1.5, batchSize: 2)
        try outbox.put(item: 3, fence: 1, job: 1, image: b, elapsed: 1.5, batchSize: 2)

        // A new process (worker restart) finds both, oldest item first, with intact files.
        let reopened = try ResultOutbox(directory: dir)
        let pending = try reopened.pending()
        #expect(pending.map(\.item) == [3, 5])
        #expect(pending[1].fence == 2)
        #expect(pending[1].elapsed == 1.5)
        let loaded = try reopened.load(pending[1])
        #expect(loaded.png == a.png)
        #expect(loaded.latents == a.latents)

        reopened.remove(item: 3, fence: 1)
        #expect(try reopened.pending().map(\.item) == [5])
        // Acknowledging under another fence removes nothing.
        reopened.remove(item: 5, fence: 1)
        #expect(try reopened.pending().map(\.item) == [5])
    }

    @Test func damagedEntryIsReportedNotSent() throws {
        let dir = Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let outbox = try ResultOutbox(directory: dir)
        let entry = try outbox.put(
            item: 1, fence: 1, job: 1, image: RenderedImage(item: 1, png: [9, 9], latents: [1]), elapsed: 1,
            batchSize: 1)
        try Data([0, 0]).write(to: URL(fileURLWithPath: "\(dir)/1-1/image.png"))
        #expect(throws: OutboxError.self) { try outbox.load(entry) }
    }

    @Test func halfWrittenEntriesFromACrashAreCleared() throws {
        let dir = Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(
            atPath: "\(dir)/.tmp-crashed", withIntermediateDirectories: true)
        let outbox = try ResultOutbox(directory: dir)
        #expect(try outbox.pending().isEmpty)
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/.tmp-crashed"))
    }

    /// A worker killed while deleting an acknowledged entry (found by scripts/chaos): the
    /// entry's folder without its entry.json is cleared at the next start, and a removal no
    /// longer deletes in place.
    @Test func halfRemovedEntriesFromACrashAreCleared() throws {
        let dir = Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: "\(dir)/68-1", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: "\(dir)/68-1/image.png", contents: Data("png".utf8))
        let outbox = try ResultOutbox(directory: dir)
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/68-1"))
        try outbox.put(
            item: 7, fence: 1, job: 1, image: RenderedImage(item: 7, png: [1], latents: [2]), elapsed: 1,
            batchSize: 1)
        outbox.remove(item: 7, fence: 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    }

    @Test func backoffGrowsToItsCapWithJitterAndResets() {
        var backoff = ReconnectBackoff(base: 0.5, cap: 4)
        let low = (0..<6).map { _ in backoff.nextDelay(unit: 0) }
        #expect(low == [0.25, 0.5, 1, 2, 2, 2])
        backoff.reset()
        #expect(backoff.nextDelay(unit: 1) == 0.5)
        #expect(backoff.nextDelay(unit: 0.5) == 0.75)
        // Many failures never overflow.
        for _ in 0..<100 { _ = backoff.nextDelay(unit: 0.5) }
        #expect(backoff.nextDelay(unit: 1) == 4)
    }
}

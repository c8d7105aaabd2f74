import Foundation
import Synchronization
import Testing

@testable import FarmStore

/// A process killed with SIGKILL in the middle of a submit leaves the whole job or none.
///
/// The child is FarmStoreCrashChild, a tiny executable target of its own (built with the
/// tests), so neither `sdfarm` nor the test runner needs a hidden mode. The child stops at a
/// barrier inside the submit's transaction (`StoreFaultPoints.submitBeforeCommit`: every item
/// written, nothing committed) and says "midway"; only then is it killed. No polling race:
/// the child cannot commit before the test has seen it midway.
@Suite struct CrashConformanceTests {
    static let items = 150_000

    @Test(arguments: Backend.all)
    func aSubmitKilledMidwayLeavesNothing(_ backend: Backend) async throws {
        let child = try #require(
            Self.childExecutable(), "FarmStoreCrashChild is not built: run `swift build --build-tests`")
        try await withStore(backend) { store, database in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: child)
            switch backend {
            case .sqlite: process.arguments = ["sqlite", database.name, String(Self.items)]
            case .postgres:
                process.arguments = ["postgres", Backend.postgresURL!, database.name, String(Self.items)]
            }
            let output = Output()
            let pipe = Pipe()
            process.standardOutput = pipe
            pipe.fileHandleForReading.readabilityHandler = { handle in output.append(handle.availableData) }
            let walBaseline = Self.fileSize(database.name + "-wal")
            try process.run()

            // The child waits at the barrier until killed: the loop ends when it says so, or
            // when it exits without reaching it (an error, or no barrier: "committed").
            for _ in 0..<12_000 where process.isRunning && !output.text.contains("midway") {
                try await Task.sleep(for: .milliseconds(10))
            }
            let midway = output.text.contains("midway")
            if midway, backend == .sqlite {
                // The transaction really holds the items: the write-ahead log has grown.
                #expect(Self.fileSize(database.name + "-wal") > walBaseline + 8 << 20)
            }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            pipe.fileHandleForReading.readabilityHandler = nil

            try #require(midway, "never saw the submit under way; child said: \(output.text)")
            #expect(process.terminationReason == .uncaughtSignal)
            #expect(!output.text.contains("committed"), "the child finished before it was killed")

            // None of it: no job, no item.
            #expect(try await store.jobs(JobFilter(limit: 10)).isEmpty)
            #expect(try database.raw("SELECT count(*) FROM items").first?.int(0) == 0)
            if backend == .sqlite {
                #expect(try database.raw("PRAGMA integrity_check").first?.text(0) == "ok")
            }
            // And the database takes the next job as usual.
            let id = try await store.submit(job(count: 3), now: t0)
            #expect(try await store.job(id)?.progress.total == 3)
        }
    }

    /// The helper sits next to the test runner in the build folder.
    static func childExecutable() -> String? {
        if let path = ProcessInfo.processInfo.environment["SDFARM_STORE_CRASH_CHILD"] { return path }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("FarmStoreCrashChild").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return nil
    }

    static func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }

    final class Output: Sendable {
        private let bytes = Mutex(Data())
        func append(_ data: Data) { bytes.withLock { $0.append(data) } }
        var text: String { bytes.withLock { String(decoding: $0, as: UTF8.self) } }
    }
}

import FarmClient
import FarmProtocol
import FarmStore
import Foundation
import Testing

@testable import FarmTesting

#if canImport(Glibc)
    import Glibc
#endif

/// The farm as separate processes over loopback, the way people run it: `sdfarm coordinator`,
/// two `sdfarm worker`s (the synthetic engine, paced so batches take a while) and the CLI.
/// One worker is killed with SIGKILL in the middle of a batch, and every item must still end
/// with exactly one result; the coordinator is stopped with SIGTERM mid-job and restarted,
/// and the job must finish. On SQLite (the coordinator's default), and on PostgreSQL when
/// SDFARM_TEST_DATABASE_URL is set (a schema of its own, through libpq's search_path option).
@Suite("Farm as separate processes", .serialized, .timeLimit(.minutes(3)))
struct FarmProcessTests {
    enum Backend: String, CaseIterable, Sendable, CustomStringConvertible {
        case sqlite, postgres
        var description: String { rawValue }
        static var all: [Backend] { FarmHarness.postgresURL == nil ? [.sqlite] : [.sqlite, .postgres] }
    }

    /// `--database` for the coordinators of one test, and how to throw the database away.
    static func database(_ backend: Backend) async throws -> (
        arguments: [String], drop: @Sendable () async -> Void, schema: String?
    ) {
        guard backend == .postgres, let url = FarmHarness.postgresURL else { return ([], {}, nil) }
        let schema =
            "sdfarm_proc_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(12))"
        // Creates and migrates the schema; the coordinator then finds it through search_path.
        await (try await PostgresStore(url: url, schema: schema, maxConnections: 1)).close()
        let separator = url.contains("?") ? "&" : "?"
        return (
            ["--database", "\(url)\(separator)options=-csearch_path%3D\(schema)"],
            { try? await PostgresStore.dropSchema(schema, url: url) }, schema
        )
    }

    struct Farm {
        let dir: String
        let token: String
        let port: Int
        var address: String { "127.0.0.1:\(port)" }
        var client: [String] { ["--coordinator", address, "--token-file", token] }
    }

    /// Starts a coordinator (on `port`, or a free one) and returns it once it listens.
    static func startCoordinator(dir: String, port: Int = 0, name: String, database: [String]) async throws
        -> (SdfarmProcess, Int)
    {
        let p = try SdfarmProcess(
            name,
            [
                "coordinator", "--listen", "127.0.0.1:\(port)", "--data", "\(dir)/data", "--token-file",
                "\(dir)/token",
            ] + database,
            logDirectory: dir, environment: ["SDFARM_DATABASE_URL": ""])
        var bound = 0
        try await FarmHarness.eventually("\(name) to listen", every: .milliseconds(50)) {
            guard p.isRunning else { throw HarnessTimeout(what: "\(name) exited: \(p.output)") }
            guard let line = p.output.split(separator: "\n").first(where: { $0.contains("listening on") }),
                let portText = line.split(separator: ",").first?.split(separator: ":").last,
                let n = Int(portText)
            else { return false }
            bound = n
            return true
        }
        return (p, bound)
    }

    static func startWorker(_ name: String, farm: Farm) throws -> SdfarmProcess {
        try SdfarmProcess(
            name,
            [
                "worker", "--coordinator", farm.address, "--token-file", farm.token, "--name", name,
                "--models", "\(farm.dir)/models",
                "--max-batch", "2", "--outbox", "\(farm.dir)/outbox-\(name)", "--synthetic-engine",
                "--synthetic-step-ms", "150",
            ],
            logDirectory: farm.dir)
    }

    static func makeDirectory() throws -> String {
        let dir = NSTemporaryDirectory() + "sdfarm-processes-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: "\(dir)/models", withIntermediateDirectories: true)
        // The workers announce this checkpoint (the synthetic engine never opens it).
        _ = FileManager.default.createFile(
            atPath: "\(dir)/models/demo.safetensors", contents: Data("not really a checkpoint".utf8))
        let token = "\(dir)/token"
        _ = FileManager.default.createFile(
            atPath: token, contents: Data("process-test-token-0123456789abcdef\n".utf8),
            attributes: [.posixPermissions: 0o600])
        let prompts = (0..<12).map { "prompt number \($0)" }.joined(separator: "\n") + "\n"
        _ = FileManager.default.createFile(atPath: "\(dir)/prompts.txt", contents: Data(prompts.utf8))
        return dir
    }

    static func status(_ farm: Farm) async throws -> StatusReply {
        let token = Array("process-test-token-0123456789abcdef".utf8)
        return try await FarmClient.with(host: "127.0.0.1", port: farm.port, token: token) {
            try await $0.status()
        }
    }

    static func submit(_ farm: Farm) async throws -> Int64 {
        let (status, output) = try await SdfarmProcess.run(
            "submit",
            [
                "submit", "\(farm.dir)/prompts.txt", "--model", "demo", "--steps", "4", "--width", "64",
                "--height", "64", "--seed", "7",
            ] + farm.client,
            logDirectory: farm.dir)
        #expect(status == 0, "\(output)")
        return try #require(
            output.split(separator: "\n").compactMap { Int64($0) }.last, "no job id in: \(output)")
    }

    /// Every item exactly once in the manifest, done, with a result.
    @discardableResult
    static func expectEveryItemOnce(_ farm: Farm, job: Int64, count: Int) async throws -> [[String: Any]] {
        let out = "\(farm.dir)/results-\(job)"
        let (status, output) = try await SdfarmProcess.run(
            "results-\(job)", ["results", "\(job)", "--out", out] + farm.client, logDirectory: farm.dir)
        #expect(status == 0, "\(output)")
        let lines = try String(contentsOfFile: "\(out)/manifest.jsonl", encoding: .utf8).split(
            separator: "\n")
        let entries = try lines.map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
        #expect(entries.count == count)
        #expect(Set(entries.compactMap { $0["index"] as? Int }) == Set(0..<count))
        for e in entries {
            #expect(e["state"] as? String == "done", "\(e)")
            #expect(e["sha256"] is String, "\(e)")
        }
        return entries
    }

    @Test(arguments: Backend.all)
    func aWorkerKilledMidBatchLosesNothingAndNothingRunsTwiceToCompletion(_ backend: Backend) async throws {
        let dir = try Self.makeDirectory()
        let database = try await Self.database(backend)
        let (coordinator, port) = try await Self.startCoordinator(
            dir: dir, name: "coordinator", database: database.arguments)
        let farm = Farm(dir: dir, token: "\(dir)/token", port: port)
        let doomed = try Self.startWorker("doomed", farm: farm)
        defer {
            doomed.stop()
            coordinator.stop()
        }
        try await FarmHarness.eventually("doomed connected", every: .milliseconds(50)) {
            try await Self.status(farm).workers.map(\.name) == ["doomed"]
        }

        // A wrong token and an unreachable coordinator: one clear line, a non-zero exit. (The
        // wrong token is a strong one: a weak token file adds a warning line.)
        let wrong = "\(dir)/wrong-token"
        _ = FileManager.default.createFile(
            atPath: wrong,
            contents: Data((String(repeating: "5e", count: 16) + "0123456789abcdef0fedcba987654321\n").utf8),
            attributes: [.posixPermissions: 0o600])
        let (refused, refusedOutput) = try await SdfarmProcess.run(
            "wrong-token", ["status", "--coordinator", farm.address, "--token-file", wrong], logDirectory: dir
        )
        #expect(refused != 0)
        #expect(refusedOutput.contains("does not hold this client token"), "\(refusedOutput)")
        #expect(refusedOutput.split(separator: "\n").count == 1, "\(refusedOutput)")
        let (unreachable, unreachableOutput) = try await SdfarmProcess.run(
            "unreachable", ["status", "--coordinator", "127.0.0.1:1", "--token-file", farm.token],
            logDirectory: dir)
        #expect(unreachable != 0)
        #expect(
            unreachableOutput.contains("cannot reach the coordinator at 127.0.0.1:1"), "\(unreachableOutput)")
        #expect(unreachableOutput.split(separator: "\n").count == 1, "\(unreachableOutput)")
        let job = try await Self.submit(farm)
        // Caught with a batch in hand (4 steps × 150 ms each), then killed outright.
        try await FarmHarness.eventually("doomed holds a batch", every: .milliseconds(50)) {
            try await Self.status(farm).workers.first?.itemsInHand ?? 0 > 0
        }
        doomed.signal(SIGKILL)
        #expect(try await doomed.wait(timeout: 10) != 0)
        let survivor = try Self.startWorker("survivor", farm: farm)
        defer { survivor.stop() }

        let (waited, waitOutput) = try await SdfarmProcess.run(
            "wait", ["wait", "\(job)", "--timeout", "90"] + farm.client, logDirectory: dir, timeout: 100)
        #expect(waited == 0, "\(waitOutput)")
        let entries = try await Self.expectEveryItemOnce(farm, job: job, count: 12)
        if let schema = database.schema, let url = FarmHarness.postgresURL {
            // The coordinator really kept the job in the test's own schema.
            let store = try await PostgresStore(url: url, schema: schema, maxConnections: 1)
            #expect(try await store.job(JobID(job))?.state == .done)
            await store.close()
        }
        // What the killed worker held was rendered again by the survivor.
        #expect(entries.contains { $0["worker"] as? String == "survivor" })

        // SIGTERM: the coordinator shuts down gracefully and exits 0; the survivor, told to
        // drain first, leaves on its own with status 0.
        let (drained, drainOutput) = try await SdfarmProcess.run(
            "drain", ["drain", "survivor"] + farm.client, logDirectory: dir)
        #expect(drained == 0, "\(drainOutput)")
        #expect(try await survivor.wait(timeout: 30) == 0, "\(survivor.output)")
        coordinator.signal(SIGTERM)
        #expect(try await coordinator.wait(timeout: 30) == 0, "\(coordinator.output)")
        await database.drop()
        try? FileManager.default.removeItem(atPath: dir)
    }

    @Test(arguments: Backend.all)
    func aCoordinatorStoppedMidJobAndRestartedFinishesIt(_ backend: Backend) async throws {
        let dir = try Self.makeDirectory()
        let database = try await Self.database(backend)
        let (first, port) = try await Self.startCoordinator(
            dir: dir, name: "coordinator-1", database: database.arguments)
        let farm = Farm(dir: dir, token: "\(dir)/token", port: port)
        let worker = try Self.startWorker("w", farm: farm)
        defer {
            worker.stop()
            first.stop()
        }
        try await FarmHarness.eventually("worker connected", every: .milliseconds(50)) {
            try await Self.status(farm).workers.count == 1
        }
        let job = try await Self.submit(farm)
        try await FarmHarness.eventually("some done", every: .milliseconds(50)) {
            let j = try await Self.status(farm).jobs.first { $0.id == job }
            return (j?.done ?? 0) >= 2
        }
        first.signal(SIGTERM)
        #expect(try await first.wait(timeout: 30) == 0, "\(first.output)")
        #expect(worker.isRunning)

        // Same data directory, same port: the worker reconnects by itself and the job finishes.
        let (second, _) = try await Self.startCoordinator(
            dir: dir, port: port, name: "coordinator-2", database: database.arguments)
        defer { second.stop() }
        let (waited, waitOutput) = try await SdfarmProcess.run(
            "wait", ["wait", "\(job)", "--timeout", "90"] + farm.client, logDirectory: dir, timeout: 100)
        #expect(
            waited == 0, "\(waitOutput)\n--- coordinator-2:\n\(second.output)\n--- worker:\n\(worker.output)")
        try await Self.expectEveryItemOnce(farm, job: job, count: 12)
        worker.signal(SIGTERM)
        #expect(try await worker.wait(timeout: 30) == 0, "\(worker.output)")
        second.signal(SIGTERM)
        #expect(try await second.wait(timeout: 30) == 0)
        await database.drop()
        try? FileManager.default.removeItem(atPath: dir)
    }
}

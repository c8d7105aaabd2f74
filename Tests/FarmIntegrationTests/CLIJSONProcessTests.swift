import Foundation
import Testing

@testable import FarmTesting

/// The `--json` outputs as a script reads them, from the real executable on a real farm
/// (coordinator + a synthetic-engine worker), with a prompt file named with a quote; and the
/// result files the coordinator wrote are private (issue 13 item 10).
@Suite("CLI: --json from the real executable")
struct CLIJSONProcessTests {
    static func objects(_ output: String) throws -> [[String: Any]] {
        try output.split(separator: "\n").map { line in
            try #require(
                try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                "not a JSON object: \(line)")
        }
    }

    @Test func everyJSONOutputOfAJobParsesAndItsResultsArePrivate() async throws {
        let dir = try FarmProcessTests.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (coordinator, port) = try await FarmProcessTests.startCoordinator(
            dir: dir, name: "coordinator", database: [])
        defer { coordinator.stop() }
        let farm = FarmProcessTests.Farm(dir: dir, token: "\(dir)/token", port: port)
        let worker = try FarmProcessTests.startWorker("w\"1", farm: farm)
        defer { worker.stop() }
        let prompts = "\(dir)/my \"best\" prompts.txt"
        try Data("a cat\na dog\n".utf8).write(to: URL(fileURLWithPath: prompts))

        let (submitted, submitOutput) = try await SdfarmProcess.run(
            "submit",
            [
                "submit", prompts, "--model", "demo", "--steps", "2", "--width", "64", "--height", "64",
                "--json",
            ] + farm.client, logDirectory: dir)
        #expect(submitted == 0, "\(submitOutput)")
        let submit = try #require(try Self.objects(submitOutput).first)
        let job = try #require(submit["job"] as? Int)
        #expect(submit["items"] as? Int == 2)

        let (watched, watchOutput) = try await SdfarmProcess.run(
            "watch", ["watch", "\(job)", "--json"] + farm.client, logDirectory: dir)
        #expect(watched == 0, "\(watchOutput)")
        let events = try Self.objects(watchOutput)
        #expect(events.last?["state"] as? String == "done", "\(watchOutput)")
        for event in events where event["worker"] != nil { #expect(event["worker"] as? String == "w\"1") }

        let (waited, waitOutput) = try await SdfarmProcess.run(
            "wait", ["wait", "\(job)", "--json"] + farm.client, logDirectory: dir)
        #expect(waited == 0, "\(waitOutput)")
        #expect(try Self.objects(waitOutput).first?["done"] as? Int == 2)

        let (fetched, resultsOutput) = try await SdfarmProcess.run(
            "results", ["results", "\(job)", "--out", "\(dir)/out", "--json"] + farm.client, logDirectory: dir
        )
        #expect(fetched == 0, "\(resultsOutput)")
        #expect(try Self.objects(resultsOutput).first?["images"] as? Int == 2)

        let (listed, statusOutput) = try await SdfarmProcess.run(
            "status", ["status", "--json"] + farm.client, logDirectory: dir)
        #expect(listed == 0)
        #expect(try Self.objects(statusOutput).count == 1)

        // Every file under the coordinator's data folder is the user's alone.
        let data = "\(dir)/data"
        let files =
            FileManager.default.enumerator(atPath: data)?.allObjects.compactMap { $0 as? String } ?? []
        #expect(files.contains { $0.hasSuffix(".png") }, "no result files in \(files)")
        for file in files {
            let mode =
                (try FileManager.default.attributesOfItem(atPath: "\(data)/\(file)")[.posixPermissions]
                as? NSNumber)?.intValue ?? -1
            #expect(mode & 0o077 == 0, "\(file) is open to others: \(String(mode, radix: 8))")
        }
    }
}

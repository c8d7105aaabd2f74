import Diffusion
import Foundation
import Testing

@testable import FarmTesting

/// The farm with the real engine, as separate processes over loopback: `sdfarm coordinator`,
/// two `sdfarm worker`s running the Diffusion pipeline on the tiny diffusers-made fixture model
/// (Tests/DiffusionTests/Fixtures/pipeline/tiny-pipeline), `sdfarm submit` and `results`. Every
/// image the farm returns must be byte for byte the PNG `sdfarm generate` writes for the same
/// model, prompt, negative prompt, seed and settings — whichever worker made it and whatever
/// batch it shared. On SQLite, and on PostgreSQL when SDFARM_TEST_DATABASE_URL is set.
@Suite("Farm with the real engine as separate processes", .serialized, .timeLimit(.minutes(5)))
struct FarmRealEngineProcessTests {
    static let fixtureModel = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("DiffusionTests/Fixtures/pipeline/tiny-pipeline").path

    static let settings = [
        "--steps", "3", "--cfg", "5", "--sampler", "euler_a", "--schedule", "default", "--width", "32",
        "--height", "32",
    ]

    /// A scratch folder with `models/tiny` (the fixture model) and a private token file.
    static func scratch(_ name: String) throws -> (dir: String, token: String) {
        let dir = NSTemporaryDirectory() + "sdfarm-\(name)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: "\(dir)/models", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: "\(dir)/models/tiny", withDestinationPath: fixtureModel)
        let token = "\(dir)/token"
        let secret = (0..<4).map { _ in String(format: "%016llx", UInt64.random(in: 0...UInt64.max)) }
            .joined()
        _ = FileManager.default.createFile(
            atPath: token, contents: Data((secret + "\n").utf8), attributes: [.posixPermissions: 0o600])
        return (dir, token)
    }

    @Test(arguments: FarmProcessTests.Backend.all)
    func farmImagesAreByteIdenticalToGenerate(_ backend: FarmProcessTests.Backend) async throws {
        let (dir, token) = try Self.scratch("real-engine")
        let prompts = #"""
            {"prompt": "a red circle on a blue background"}
            {"prompt": "a yellow star", "negative": "a black square"}
            """#
        _ = FileManager.default.createFile(
            atPath: "\(dir)/prompts.jsonl", contents: Data((prompts + "\n").utf8))

        let database = try await FarmProcessTests.database(backend)
        let (coordinator, port) = try await FarmProcessTests.startCoordinator(
            dir: dir, name: "coordinator", database: database.arguments)
        let farm = FarmProcessTests.Farm(dir: dir, token: token, port: port)
        let workers = try ["w1", "w2"].map { name in
            try SdfarmProcess(
                name,
                [
                    "worker", "--coordinator", farm.address, "--token-file", token, "--name", name,
                    "--models", "\(dir)/models",
                    "--max-batch", "2", "--threads", "1", "--outbox", "\(dir)/outbox-\(name)",
                ],
                logDirectory: dir)
        }
        defer {
            for w in workers { w.stop() }
            coordinator.stop()
        }
        let (submitted, submitOutput) = try await SdfarmProcess.run(
            "submit",
            ["submit", "\(dir)/prompts.jsonl", "--model", "tiny", "--seeds", "2", "--seed", "11"]
                + Self.settings + farm.client,
            logDirectory: dir)
        #expect(submitted == 0, "\(submitOutput)")
        let job = try #require(
            submitOutput.split(separator: "\n").compactMap { Int64($0) }.last, "no job id in: \(submitOutput)"
        )
        let (waited, waitOutput) = try await SdfarmProcess.run(
            "wait", ["wait", "\(job)", "--timeout", "200"] + farm.client, logDirectory: dir, timeout: 220)
        #expect(waited == 0, "\(waitOutput)\n\(workers.map(\.output).joined(separator: "\n"))")
        let entries = try await FarmProcessTests.expectEveryItemOnce(farm, job: job, count: 4)

        for entry in entries {
            let index = try #require(entry["index"] as? Int)
            let prompt = try #require(entry["prompt"] as? String)
            let negative = entry["negative"] as? String ?? ""
            let seed = try #require((entry["seed"] as? NSNumber)?.uint64Value)
            let file = try #require(entry["file"] as? String, "\(entry)")
            let fromFarm = try Data(contentsOf: URL(fileURLWithPath: "\(dir)/results-\(job)/\(file)"))
            let output = "\(dir)/generate-\(index).png"
            var arguments =
                [
                    "generate", "--model", "\(dir)/models/tiny", "--prompt", prompt, "--seed", "\(seed)",
                    "--output", output, "--quiet", "--threads", "1",
                ] + Self.settings
            if !negative.isEmpty { arguments += ["--negative", negative] }
            let (status, generateOutput) = try await SdfarmProcess.run(
                "generate-\(index)", arguments, logDirectory: dir, timeout: 120)
            #expect(status == 0, "\(generateOutput)")
            let alone = try Data(contentsOf: URL(fileURLWithPath: output))
            guard fromFarm != alone else { continue }
            // Say how they differ: the parameters text, the pixels, or only the encoding.
            let farmPNG = try PNGFile.decode(fromFarm, name: "farm item \(index)")
            let alonePNG = try PNGFile.decode(alone, name: output)
            #expect(
                farmPNG.text("parameters") == alonePNG.text("parameters"), "item \(index): parameters differ")
            let differing = zip(farmPNG.image.pixels, alonePNG.image.pixels).filter { $0 != $1 }.count
            Issue.record(
                "item \(index) (\(prompt), seed \(seed)): the farm's PNG differs from sdfarm generate's (\(differing) of \(alonePNG.image.pixels.count) bytes of pixels differ)"
            )
        }
        await database.drop()
        try? FileManager.default.removeItem(atPath: dir)
    }

    /// A worker whose memory cannot hold the batch it was given reports out of memory; the
    /// coordinator halves its batch until it fits, and every item still finishes (nothing
    /// failed, nothing blamed). The limit sits between what the tiny model's tensors need for
    /// one image at 32×32 with guidance (≈ 590 KiB, weights included) and for two (≈ 655 KiB);
    /// the engine counts tensor bytes, so these figures are the same on every machine.
    @Test func aBatchAboveTheWorkersMemoryIsRetriedSmallerUntilItFits() async throws {
        let (dir, token) = try Self.scratch("oom")
        _ = FileManager.default.createFile(
            atPath: "\(dir)/prompts.txt", contents: Data("a red circle\na yellow star\n".utf8))
        let database = try await FarmProcessTests.database(.sqlite)
        let (coordinator, port) = try await FarmProcessTests.startCoordinator(
            dir: dir, name: "coordinator", database: database.arguments)
        let farm = FarmProcessTests.Farm(dir: dir, token: token, port: port)
        let worker = try SdfarmProcess(
            "w1",
            [
                "worker", "--coordinator", farm.address, "--token-file", token, "--name", "w1", "--models",
                "\(dir)/models",
                "--max-batch", "4", "--max-memory", "625K", "--threads", "1", "--outbox", "\(dir)/outbox-w1",
            ],
            logDirectory: dir)
        defer {
            worker.stop()
            coordinator.stop()
        }
        let (submitted, submitOutput) = try await SdfarmProcess.run(
            "submit",
            ["submit", "\(dir)/prompts.txt", "--model", "tiny", "--seeds", "2", "--seed", "3"] + Self.settings
                + farm.client,
            logDirectory: dir)
        #expect(submitted == 0, "\(submitOutput)")
        let job = try #require(
            submitOutput.split(separator: "\n").compactMap { Int64($0) }.last, "no job id in: \(submitOutput)"
        )
        let (waited, waitOutput) = try await SdfarmProcess.run(
            "wait", ["wait", "\(job)", "--timeout", "200"] + farm.client, logDirectory: dir, timeout: 220)
        #expect(waited == 0, "\(waitOutput)\n\(worker.output)")
        _ = try await FarmProcessTests.expectEveryItemOnce(farm, job: job, count: 4)
        #expect(
            worker.output.contains("out of memory"), "the worker never ran out of memory:\n\(worker.output)")
        await database.drop()
        try? FileManager.default.removeItem(atPath: dir)
    }
}

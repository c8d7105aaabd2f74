import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The farm with the real engine, as separate processes: `sdfarm coordinator`, two
/// `sdfarm worker`s on the tiny pipeline fixture model (Tests/DiffusionTests/Fixtures/pipeline),
/// and the CLI. Every image the farm makes must be byte-identical to what `sdfarm generate`
/// makes with the same model, prompt, seed and settings.
@Suite("Farm as separate processes, real engine", .serialized, .timeLimit(.minutes(5)))
struct FarmProcessEngineTests {
    static let model = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("DiffusionTests/Fixtures/pipeline/tiny-pipeline").path

    @Test func farmImagesAreByteIdenticalToGenerate() async throws {
        let dir = try FarmProcessTests.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // The workers hold the fixture model under its own folder name.
        try FileManager.default.removeItem(atPath: "\(dir)/models/demo.safetensors")
        try FileManager.default.createSymbolicLink(atPath: "\(dir)/models/tiny-pipeline", withDestinationPath: Self.model)
        let prompts = "a red circle on a blue square\ntwo small yellow stars\n"
        _ = FileManager.default.createFile(atPath: "\(dir)/prompts.txt", contents: Data(prompts.utf8))

        let (coordinator, port) = try await FarmProcessTests.startCoordinator(dir: dir, name: "coordinator", database: [])
        let farm = FarmProcessTests.Farm(dir: dir, token: "\(dir)/token", port: port)
        var workers: [SdfarmProcess] = []
        defer {
            for w in workers { w.stop() }
            coordinator.stop()
        }
        for name in ["a", "b"] {
            workers.append(
                try SdfarmProcess(
                    name,
                    ["worker", "--coordinator", farm.address, "--token-file", farm.token, "--name", name, "--models", "\(dir)/models",
                     "--max-batch", "1", "--threads", "1", "--outbox", "\(dir)/outbox-\(name)"],
                    logDirectory: dir))
        }
        let settings = ["--steps", "3", "--sampler", "euler", "--schedule", "default", "--cfg", "5", "--width", "64", "--height", "64"]
        let (submitted, submitOutput) = try await SdfarmProcess.run(
            "submit", ["submit", "\(dir)/prompts.txt", "--model", "tiny-pipeline", "--seeds", "2", "--seed", "40"] + settings + farm.client,
            logDirectory: dir)
        #expect(submitted == 0, "\(submitOutput)")
        let job = try #require(submitOutput.split(separator: "\n").compactMap { Int64($0) }.last, "\(submitOutput)")
        let (waited, waitOutput) = try await SdfarmProcess.run("wait", ["wait", "\(job)", "--timeout", "200"] + farm.client, logDirectory: dir, timeout: 210)
        #expect(waited == 0, "\(waitOutput)\n--- a:\n\(workers[0].output)\n--- b:\n\(workers[1].output)")
        let entries = try await FarmProcessTests.expectEveryItemOnce(farm, job: job, count: 4)

        for entry in entries {
            let index = try #require(entry["index"] as? Int)
            let prompt = try #require(entry["prompt"] as? String)
            let seed = try #require((entry["seed"] as? NSNumber)?.uint64Value)
            let file = try #require(entry["file"] as? String)
            let farmPNG = try Data(contentsOf: URL(fileURLWithPath: "\(dir)/results-\(job)/\(file)"))
            let out = "\(dir)/generate-\(index).png"
            let (status, output) = try await SdfarmProcess.run(
                "generate-\(index)", ["generate", "--model", Self.model, "--prompt", prompt, "--seed", "\(seed)", "--threads", "1", "--output", out] + settings,
                logDirectory: dir, timeout: 120)
            #expect(status == 0, "\(output)")
            let generated = try Data(contentsOf: URL(fileURLWithPath: out))
            #expect(farmPNG == generated, "item \(index) (\(prompt), seed \(seed)): the farm's PNG differs from sdfarm generate's")
        }
    }
}

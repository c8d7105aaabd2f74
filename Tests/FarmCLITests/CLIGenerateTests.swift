import Diffusion
import Foundation
import Testing

@testable import FarmTesting

/// `sdfarm generate` as a user runs it: the real executable on the tiny pipeline fixture model
/// (Tests/DiffusionTests/Fixtures/pipeline, made by scripts/make-pipeline-fixtures.py).
@Suite struct CLIGenerateTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("DiffusionTests/Fixtures/pipeline")
    static let model = fixtures.appendingPathComponent("tiny-pipeline").path

    func scratch() throws -> String {
        let dir = NSTemporaryDirectory() + "sdfarm-generate-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func batchMatchesDiffusersAndCarriesParameters() async throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // The fixture case "euler_a-batch2": seeds 4 and 5, 4 steps, CFG 7, empty negative.
        let (status, output) = try await SdfarmProcess.run(
            "generate",
            [
                "generate", "--model", Self.model, "--prompt", "a red circle on a blue square", "--seed", "4",
                "--batch", "2",
                "--steps", "4", "--cfg", "7", "--sampler", "euler_a", "--threads", "1",
                "--output", "\(dir)/img.png", "--save-latents", "\(dir)/latents.npy",
            ], logDirectory: dir, timeout: 120)
        #expect(status == 0, "\(output)")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { !$0.hasSuffix(".log") }
            .sorted()
        #expect(files == ["img-0.png", "img-1.png", "latents.npy"])

        let (shape, latents) = try NPYFile.decode(
            try Data(contentsOf: URL(fileURLWithPath: "\(dir)/latents.npy")))
        #expect(shape == [2, 4, 8, 8])
        let reference = try SafetensorsFile(
            path: Self.fixtures.appendingPathComponent("reference.safetensors").path)
        let expected = try reference.tensor("euler_a-batch2.latents").scalars
        let scale = expected.map(abs).max() ?? 1
        let diff = zip(latents, expected).map { abs($0 - $1) }.max() ?? .infinity
        print("sdfarm generate vs diffusers, latents: max diff \(diff) (|ref| max \(scale))")
        #expect(diff <= 1e-3 * scale)

        for index in 0..<2 {
            let png = try PNGFile.read(URL(fileURLWithPath: "\(dir)/img-\(index).png"))
            #expect(png.image.width == 32 && png.image.height == 32)
            let parameters = try GenerationParameters.parse(try #require(png.text("parameters")))
            #expect(parameters.seed == 4 + UInt64(index))
            #expect(
                parameters.sampler == .eulerAncestral && parameters.steps == 4
                    && parameters.modelName == "tiny-pipeline")
        }
        #expect(output.contains("wrote \(dir)/img-1.png (seed 5)"))
    }

    @Test func badInputIsOneLineAndLeavesNoFiles() async throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cases: [([String], String)] = [
            (["--width", "36"], "error: --width must be a multiple of 8 from 8 to 4096, not 36"),
            (["--sampler", "dpm++"], "error: unknown sampler \"dpm++\""),
            (["--schedule", "karras", "--sampler", "ddim"], "karras"),
            (["--batch", "0"], "error: --batch must be from 1 to 64, not 0"),
            (
                ["--width", "8192", "--height", "8192"],
                "error: --width must be a multiple of 8 from 8 to 4096, not 8192"
            ),
            (["--model", "\(dir)/missing"], "error: model \(dir)/missing: no such file or folder"),
            (["--output", "\(dir)/no/such/folder/x.png"], "does not exist"),
            (["--output", "\(dir)/x.jpg"], "must end in .png"),
        ]
        for (index, (arguments, message)) in cases.enumerated() {
            var all = [
                "generate", "--model", Self.model, "--prompt", "x", "--steps", "2", "--output",
                "\(dir)/out.png", "--quiet",
            ]
            all += arguments
            let (status, output) = try await SdfarmProcess.run(
                "bad-\(index)", all, logDirectory: dir, timeout: 60)
            #expect(status != 0, "\(arguments) was accepted")
            let lines = output.split(separator: "\n")
            #expect(lines.count == 1 && output.contains(message), "\(arguments): \(output)")
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: dir).filter { !$0.hasSuffix(".log") }
        #expect(left.isEmpty, "files left behind: \(left)")
    }
}

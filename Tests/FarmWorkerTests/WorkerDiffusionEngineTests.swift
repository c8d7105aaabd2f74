import Diffusion
import FarmProtocol
import Foundation
import Synchronization
import Testing

@testable import FarmTesting
@testable import FarmWorker

/// The worker's real engine on the tiny pipeline fixture model (scripts/make-pipeline-fixtures.py).
@Suite struct WorkerDiffusionEngineTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("DiffusionTests/Fixtures/pipeline")

    /// A models folder holding the fixture model as `tiny` (a symlink), scanned as a worker does.
    func host() throws -> (DiffusionEngineHost, String) {
        let dir = NSTemporaryDirectory() + "sdfarm-engine-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: "\(dir)/tiny",
            withDestinationPath: Self.fixtures.appendingPathComponent("tiny-pipeline").path)
        return (DiffusionEngineHost(catalog: try ModelCatalog.scan(directory: dir), threads: 1), dir)
    }

    static func settings(
        sampler: String = "dpmpp_2m", schedule: String = "karras", width: Int = 0, steps: Int = 4,
        model: String = "tiny"
    ) -> RenderSettings {
        RenderSettings(
            model: model, width: width, height: width, steps: steps, sampler: sampler, schedule: schedule,
            cfg: 5)
    }

    @Test func rendersABatchAsDiffusersDoes() async throws {
        let (engine, dir) = try host()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // The fixture case "dpmpp_2m-batch2-prompts": two prompts, two seeds, one U-Net batch.
        let items = [
            RenderItem(item: 101, prompt: "a red circle on a blue square", negativePrompt: "dark", seed: 10),
            RenderItem(item: 102, prompt: "two small yellow stars", negativePrompt: "", seed: 11),
        ]
        let steps = Mutex<[EngineProgress]>([])
        let images = try await engine.render(items, settings: Self.settings()) { p in
            steps.withLock { $0.append(p) }
        }
        let seen = steps.withLock { $0 }
        #expect(seen.map(\.step) == [1, 2, 3, 4] && seen.allSatisfy { $0.totalSteps == 4 })
        #expect(
            seen.allSatisfy { $0.previewWidth == 8 && $0.previewHeight == 8 && $0.preview.count == 8 * 8 * 3 }
        )

        #expect(images.map(\.item) == [101, 102])
        let reference = try SafetensorsFile(
            path: Self.fixtures.appendingPathComponent("reference.safetensors").path)
        let expected = try reference.tensor("dpmpp_2m-batch2-prompts.latents").scalars
        let ours = images.flatMap { image in
            stride(from: 0, to: image.latents.count, by: 4).map { i in
                Float(
                    bitPattern: UInt32(image.latents[i]) | UInt32(image.latents[i + 1]) << 8 | UInt32(
                        image.latents[i + 2]) << 16 | UInt32(image.latents[i + 3]) << 24)
            }
        }
        let scale = expected.map(abs).max() ?? 1
        let diff = zip(ours, expected).map { abs($0 - $1) }.max() ?? .infinity
        print("worker engine vs diffusers, latents: max diff \(diff) (|ref| max \(scale))")
        #expect(ours.count == expected.count && diff <= 1e-3 * scale)
        for (image, item) in zip(images, items) {
            let png = try PNGFile.decode(Data(image.png))
            let parameters = try GenerationParameters.parse(try #require(png.text("parameters")))
            #expect(
                parameters.prompt == item.prompt && parameters.negativePrompt == item.negativePrompt
                    && parameters.seed == item.seed)
            #expect(parameters.modelName == "tiny" && parameters.cfgScale == 5)
        }
    }

    @Test func mapsFailures() async throws {
        let (engine, dir) = try host()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let item = [RenderItem(item: 1, prompt: "x", negativePrompt: "", seed: 1)]
        let cases: [(RenderSettings, String, Bool)] = [
            (Self.settings(sampler: "dpm++"), "unknown sampler", false),
            (Self.settings(schedule: "exponential"), "unknown schedule", false),
            (Self.settings(width: 36), "width 36 is not a multiple of 8", false),
            (Self.settings(sampler: "ddim", schedule: "karras"), "karras", false),
            (Self.settings(model: "sd15"), "model sd15 is not under", true),
        ]
        for (settings, message, retryable) in cases {
            do {
                _ = try await engine.render(item, settings: settings) { _ in }
                Issue.record("\(settings) rendered")
            } catch let failure as RenderFailure {
                #expect(failure.description.contains(message), "\(failure)")
                #expect(failure.retryable == retryable, "\(failure)")
            }
        }
    }

    @Test func cancellingTheTaskStopsTheBatch() async throws {
        let (engine, dir) = try host()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let task = Mutex<Task<[RenderedImage], any Error>?>(nil)
        let steps = Mutex(0)
        let started = Task {
            try await engine.render(
                [RenderItem(item: 1, prompt: "x", negativePrompt: "", seed: 1)],
                settings: Self.settings(steps: 40)
            ) { p in
                steps.withLock { $0 = p.step }
                if p.step == 2 { task.withLock { $0?.cancel() } }
            }
        }
        task.withLock { $0 = started }
        // A stopped render is reported as cancelled (not a failed try), naming where it stopped.
        let error = await #expect(throws: RenderFailure.self) { _ = try await started.value }
        #expect(error?.kind == .cancelled)
        #expect(error?.message.hasPrefix("the render was stopped after step") == true)
        #expect(steps.withLock { $0 } < 40)
    }
}

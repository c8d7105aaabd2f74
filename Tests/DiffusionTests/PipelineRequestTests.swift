import Foundation
import Testing

@testable import Diffusion

/// Requests the pipeline must refuse before allocating, progress, cancellation.
@Suite struct PipelineRequestTests {
    struct Cancelled: Error, Equatable {}

    func refusal(_ request: GenerationRequest) throws -> PipelineError? {
        let pipeline = try PipelineFixtures.pipeline()
        do {
            _ = try pipeline.generate(request)
            return nil
        } catch let error as PipelineError {
            return error
        }
    }

    @Test func refusesBadRequestsWithAClearMessage() throws {
        let cases: [(GenerationRequest, String)] = [
            (
                GenerationRequest(prompt: "x", seed: 1, width: 36, height: 32),
                "width 36 is not a multiple of 8 (try 32 or 40)"
            ),
            (
                GenerationRequest(prompt: "x", seed: 1, width: 32, height: 4),
                "height 4 is not a multiple of 8 (try 8)"
            ),
            (GenerationRequest(prompt: "x", seed: 1, width: 0), "width 0 is outside 1…4096 pixels"),
            (
                GenerationRequest(prompt: "x", seed: 1, width: 100_000),
                "width 100000 is outside 1…4096 pixels"
            ),
            (GenerationRequest(prompt: "x", seed: 1, count: 0), "batch of 0 images is outside 1…64"),
            (GenerationRequest(prompt: "x", seed: 1, count: 65), "batch of 65 images is outside 1…64"),
            (
                GenerationRequest(prompt: "x", seed: 1, count: 64, width: 4096, height: 4096),
                "64 images of 4096×4096 exceed 16 Mpixels per batch"
            ),
            (GenerationRequest(prompt: "x", seed: 1, steps: 0), "steps 0 is outside 1…1000"),
            (
                GenerationRequest(prompt: "x", seed: 1, guidanceScale: .nan),
                "guidance scale nan is outside −100…100"
            ),
            (GenerationRequest(prompt: "x", seed: 1, clipSkip: 3), "clip skip 3 is outside 1…2"),
            (GenerationRequest(prompt: "x", seed: 1, sampler: .ddim, sigmaSchedule: .karras), "karras"),
        ]
        for (request, message) in cases {
            let error = try #require(try refusal(request), "accepted: \(request)")
            #expect(error.kind == .invalidRequest)
            #expect(error.message.contains(message), "\(error.message) does not say \(message)")
        }
    }

    @Test func unusableModelIsAModelError() {
        #expect(throws: PipelineError.self) { try StableDiffusionPipeline(loading: "/nonexistent/model") }
        do {
            _ = try StableDiffusionPipeline(loading: "/nonexistent/model")
        } catch let error as PipelineError {
            #expect(error.kind == .model)
            #expect(error.message.contains("/nonexistent/model"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func reportsEveryStepWithAPreviewAndStopsWhenTheCallbackThrows() throws {
        let pipeline = try PipelineFixtures.pipeline()
        var seen: [Int] = []
        let request = GenerationRequest(
            prompt: "a red circle", seed: 3, count: 2, steps: 4, sampler: .euler, sigmaSchedule: .default)
        _ = try pipeline.generate(request) { progress in
            seen.append(progress.step)
            #expect(progress.total == 4)
            let preview = try #require(progress.preview(image: 1))
            #expect(preview.width == 8 && preview.height == 8)
            #expect(progress.preview(image: 2) == nil)
        }
        #expect(seen == [1, 2, 3, 4])

        var calls = 0
        #expect(throws: Cancelled.self) {
            _ = try pipeline.generate(request) { _ in
                calls += 1
                if calls == 2 { throw Cancelled() }
            }
        }
        #expect(calls == 2)
    }

    @Test func eachImageIsItsSeedAlone() throws {
        // Image 1 of a batch seeded 40 is the image a batch of one seeded 41 makes.
        let pipeline = try PipelineFixtures.pipeline()
        let batch = try pipeline.generate(
            GenerationRequest(
                prompt: "a red circle", seed: 40, count: 2, steps: 3, sampler: .eulerAncestral,
                sigmaSchedule: .default))
        let alone = try pipeline.generate(
            GenerationRequest(
                prompt: "a red circle", seed: 41, steps: 3, sampler: .eulerAncestral, sigmaSchedule: .default)
        )
        let diff = zip(batch.latents(ofImage: 1), alone.latents).map { abs($0 - $1) }.max() ?? .infinity
        print("image 1 of a batch vs alone: max |Δ latents| = \(diff)")
        #expect(diff <= 1e-4)
    }
}

import Foundation
import Testing

@testable import Diffusion

/// Each generated PNG carries what made it, A1111-style, and reads back to the same values.
@Suite struct PipelinePNGTests {
    @Test func pngParametersRoundTrip() throws {
        let pipeline = try PipelineFixtures.pipeline()
        let request = GenerationRequest(
            prompt: "a red circle", negativePrompt: "blurry", seed: 7, count: 2, width: 40, height: 24,
            steps: 3,
            guidanceScale: 7.1, sampler: .eulerAncestral, sigmaSchedule: .default, timestepSpacing: .trailing,
            clipSkip: 2)
        let result = try pipeline.generate(request)
        let hash = try ModelHash(ofModelAt: URL(fileURLWithPath: PipelineFixtures.modelPath))
        for index in 0..<2 {
            let contents = try PNGFile.decode(try result.pngData(image: index))
            #expect(contents.image == result.images[index])
            let text = try #require(contents.text("parameters"))
            print(text)
            let parsed = try GenerationParameters.parse(text)
            #expect(parsed == result.parameters[index])
            #expect(parsed.prompt == "a red circle" && parsed.negativePrompt == "blurry")
            #expect(parsed.seed == 7 + UInt64(index))
            #expect(parsed.steps == 3 && parsed.sampler == .eulerAncestral && parsed.cfgScale == 7.1)
            #expect(parsed.width == 40 && parsed.height == 24)
            #expect(parsed.modelHash == String(hash.sha256.prefix(10)) && parsed.modelHash?.count == 10)
            #expect(parsed.modelName == "tiny-pipeline")
            #expect(parsed.timestepSpacing == .trailing && parsed.clipSkip == 2 && parsed.rng == .cpu)
            #expect(text.contains("CFG scale: 7.1,") && text.contains("Size: 40x24"))
        }
        // The model's own spacing (its config says leading for ddim) is not written.
        let plain = try pipeline.generate(
            GenerationRequest(prompt: "x", seed: 1, steps: 2, sampler: .ddim, sigmaSchedule: .default))
        #expect(plain.parameters[0].timestepSpacing == nil && plain.parameters[0].clipSkip == nil)
        #expect(plain.parameters[0].width == 32 && plain.parameters[0].height == 32)
    }
}

import Foundation
import Testing

@testable import Diffusion

/// The `parameters` chunk through a real PNG file: written with PNGFile, read back, parsed.
@Suite struct GenerationParametersPNGTests {
    @Test(arguments: ["a lighthouse, at dusk: oil", "東京タワー 😀, \"night\"\nsecond line"])
    func parametersChunkRoundTrips(prompt: String) throws {
        let image = try RGBImage(width: 4, height: 2, pixels: [UInt8](repeating: 200, count: 24))
        let p = GenerationParameters(
            prompt: prompt, negativePrompt: "blurry, lowres", steps: 25, sampler: .dpmpp2M, schedule: .karras,
            cfgScale: 7, seed: 42, width: 512, height: 512, modelHash: "abcdef0123", modelName: "sd15",
            rng: .philox)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "sdfarm-infotext-\(UUID().uuidString).png")
        defer { try? FileManager.default.removeItem(at: url) }
        try PNGFile.write(image, texts: [("parameters", p.infotext)], to: url)
        let contents = try PNGFile.read(url)
        let text = try #require(contents.text("parameters"))
        #expect(text == p.infotext)
        #expect(try GenerationParameters.parse(text) == p)
    }
}

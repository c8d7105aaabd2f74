import Testing

@testable import Diffusion

@Suite struct LatentPreviewTests {
    @Test func mapsChannelsThroughTheCheapApproximation() throws {
        // Pixel 0: latent (1, 0, 0, 0) → rgb (0.298, 0.207, 0.208) → (165, 153, 154).
        // Pixel 1: zeros → mid grey 127. Pixel 2: large negative channel 3 → clamped (255, 255, 255).
        let latents: [Float] = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -10]
        let image = try LatentPreview.rgb(latents: latents, height: 1, width: 3)
        #expect(image.pixels == [165, 153, 154, 127, 127, 127, 255, 255, 255])
        #expect(throws: ImagingError.self) { try LatentPreview.rgb(latents: [0], height: 1, width: 1) }
    }
}

import Testing

@testable import Diffusion

@Suite struct ImageQuantizationTests {
    /// Expected bytes computed with torch/numpy as diffusers does:
    /// np.round((torch.tensor(x) * 0.5 + 0.5).clamp(0, 1).numpy() * 255).astype(uint8).
    @Test func roundsLikeDiffusers() throws {
        // x = 2·k/255 − 1 puts t·255 near k; (1/255 − 1) → 0.5·255 ≈ ties at .5 go to even.
        let xs: [Float] = [
            -2, -1, 0, 1, 2, -0.99607843, 0.0039215689, 0.5, -0.5, 1.0 / 255 - 1, 3.0 / 255 - 1,
        ]
        let expected: [UInt8] = [0, 0, 128, 255, 255, 0, 128, 191, 64, 0, 1]
        var chw = [Float](repeating: 0, count: 3 * xs.count)
        for (i, x) in xs.enumerated() { chw[i] = x; chw[xs.count + i] = x; chw[2 * xs.count + i] = x }
        let image = try RGBImage(decoded: chw, height: 1, width: xs.count)
        let red = stride(from: 0, to: image.pixels.count, by: 3).map { image.pixels[$0] }
        #expect(red == expected)
        #expect(throws: ImagingError.self) { try RGBImage(decoded: [0, 0], height: 1, width: 1) }
    }
}

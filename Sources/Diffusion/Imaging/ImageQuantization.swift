// Follows diffusers' VaeImageProcessor.postprocess (denormalize, then numpy_to_pil), 0.42.

extension RGBImage {
    /// The 8-bit image diffusers makes from one VAE output `chw`: [3, height, width], planar,
    /// roughly in [−1, 1]. Per value, in float32 as torch and numpy compute it:
    /// t = clamp(x · 0.5 + 0.5, 0, 1); byte = round_half_even(t · 255). NaN becomes 0.
    public init(decoded chw: [Float], height: Int, width: Int) throws {
        guard height > 0, width > 0, chw.count == 3 * height * width else {
            throw ImagingError(
                "decoded image",
                "expected [3, \(height), \(width)] = \(3 * height * width) values, got \(chw.count)")
        }
        let plane = height * width
        var pixels = [UInt8](repeating: 0, count: 3 * plane)
        for c in 0..<3 {
            for i in 0..<plane {
                let half: Float = chw[c * plane + i] * 0.5
                let shifted: Float = half + 0.5
                let t: Float = shifted.isNaN ? 0 : min(max(shifted, 0), 1)
                let scaled: Float = t * 255
                pixels[i * 3 + c] = UInt8(scaled.rounded(.toNearestOrEven))
            }
        }
        try self.init(width: width, height: height, channels: 3, pixels: pixels)
    }
}

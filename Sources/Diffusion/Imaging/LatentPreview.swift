// Follows A1111's "cheap approximation" (modules/sd_vae_approx.py, cheap_approximation) for SD 1.x.

/// A rough RGB picture of SD 1.x latents, for progress previews (lossy by design).
public enum LatentPreview {
    /// Rows are the 4 latent channels, columns R, G, B.
    public static let sd1Coefficients: [[Float]] = [
        [0.298, 0.207, 0.208],
        [0.187, 0.286, 0.173],
        [-0.158, 0.189, 0.264],
        [-0.184, -0.271, -0.473],
    ]

    /// latents: [4, height, width], planar → interleaved RGB bytes (height × width × 3):
    /// rgb = Σ_c latent[c]·coef[c], then clamp(rgb·0.5 + 0.5, 0, 1)·255, truncated as A1111 does.
    public static func rgb(latents: [Float], height: Int, width: Int) throws -> RGBImage {
        guard height > 0, width > 0, latents.count == 4 * height * width else {
            throw ImagingError(
                "preview latents",
                "expected [4, \(height), \(width)] = \(4 * height * width) values, got \(latents.count)")
        }
        let plane = height * width
        var pixels = [UInt8](repeating: 0, count: 3 * plane)
        for i in 0..<plane {
            for k in 0..<3 {
                var v: Float = 0
                for c in 0..<4 { v += latents[c * plane + i] * sd1Coefficients[c][k] }
                let t = v.isNaN ? 0 : min(max(v * 0.5 + 0.5, 0), 1)
                pixels[i * 3 + k] = UInt8(t * 255)
            }
        }
        return try RGBImage(width: width, height: height, channels: 3, pixels: pixels)
    }
}

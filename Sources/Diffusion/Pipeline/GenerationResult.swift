/// What a generation made.
public struct GenerationResult: Sendable {
    /// One 8-bit RGB image per request image, in order, rounded as diffusers' postprocess does.
    public let images: [RGBImage]
    /// What made each image, for its PNG (`pngData(image:)`) and for `sdfarm info`.
    public let parameters: [GenerationParameters]
    /// The final latents, after the last sampler step and before VAE scaling and decode:
    /// `shape` = [batch, channels, height / factor, width / factor], flat in NCHW order.
    public let latents: [Float]
    public let latentShape: LatentShape
    /// The request as run, with the size resolved.
    public let width: Int
    public let height: Int
    /// The spacing the sampler used (the config's or the override), for the record.
    public let timestepSpacing: TimestepSpacing
    /// Prompts (or negative prompts) cut to the tokenizer's length, as diffusers cuts them.
    public let truncatedPrompts: [String]

    /// Image `index`'s final latents, [channels, h, w] flat.
    public func latents(ofImage index: Int) -> ArraySlice<Float> {
        latents[(index * latentShape.perImage)..<((index + 1) * latentShape.perImage)]
    }
}

/// Reported after every U-Net call. Throwing from the progress callback cancels the
/// generation: `generate` rethrows that error and returns nothing.
public struct GenerationProgress: Sendable {
    /// 1-based U-Net call just finished, of `total` (pndm: steps + 1; heun: 2·steps − 1).
    public let step: Int
    public let total: Int
    public let latentShape: LatentShape
    /// The model's current estimate of the clean latents (x̂₀), [B, C, h, w] flat.
    public let denoised: [Float]

    /// A rough RGB picture of image `index`'s x̂₀ at latent resolution (A1111's cheap
    /// approximation); nil when the latents are not SD 1.x's 4 channels.
    public func preview(image index: Int = 0) -> RGBImage? {
        let plane = latentShape.perImage
        guard latentShape.channels == 4, index >= 0, index < latentShape.batch else { return nil }
        let slice = Array(denoised[(index * plane)..<((index + 1) * plane)])
        return try? LatentPreview.rgb(latents: slice, height: latentShape.height, width: latentShape.width)
    }
}

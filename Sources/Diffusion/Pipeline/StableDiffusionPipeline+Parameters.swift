import Foundation

extension StableDiffusionPipeline {
    /// What made image `index` of a request, for its PNG's `parameters` chunk: its own prompt,
    /// negative prompt and seed, the shared settings, this model's hash and name.
    func parameters(
        _ request: GenerationRequest, image index: Int, width: Int, height: Int, spacing: TimestepSpacing
    ) -> GenerationParameters {
        let image = request.images[index]
        // Written only when it is not what the model's config or the sampler's default gives.
        let defaultSpacing = schedulerConfig.timestepSpacing ?? request.sampler.defaultTimestepSpacing
        return GenerationParameters(
            prompt: image.prompt, negativePrompt: image.negativePrompt, steps: request.steps,
            sampler: request.sampler,
            schedule: request.sigmaSchedule, timestepSpacing: spacing == defaultSpacing ? nil : spacing,
            // The float's shortest decimal form, so that 7.1 is written "7.1", not 7.099999904632568.
            cfgScale: Double(String(describing: request.guidanceScale)) ?? Double(request.guidanceScale),
            seed: image.seed, width: width, height: height, modelHash: modelHash.short, modelName: modelName,
            rng: request.rng, clipSkip: request.clipSkip == 1 ? nil : request.clipSkip)
    }
}

extension GenerationResult {
    /// Image `index` as PNG bytes with its `parameters` text chunk (A1111 infotext).
    public func pngData(image index: Int) throws -> Data {
        try PNGFile.encode(images[index], texts: [("parameters", parameters[index].infotext)])
    }
}

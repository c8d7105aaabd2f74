// Follows StableDiffusionPipeline.__call__ (diffusers 0.42): prepare_latents with one generator
// per image, the denoising loop with classifier-free guidance, vae.decode(latents /
// scaling_factor), VaeImageProcessor.postprocess.

extension StableDiffusionPipeline {
    /// txt2img for a batch: the whole batch goes through the U-Net in one call per step
    /// (2·B with guidance: negatives first, as diffusers concatenates them). `progress` is
    /// called after every U-Net call; throwing from it cancels the run and the error is
    /// rethrown. Requests that cannot run throw `PipelineError` (kind `.invalidRequest`) before
    /// anything is allocated; a batch whose tensors go above `EngineMemory.limit` stops with
    /// kind `.outOfMemory` after the U-Net call or VAE decode that went above it.
    public func generate(
        _ request: GenerationRequest, progress: ((GenerationProgress) throws -> Void)? = nil
    ) throws -> GenerationResult {
        let resolved = try resolve(request)
        let shape = resolved.shape
        EngineMemory.resetPeak()
        let work = "a batch of \(shape.batch) at \(resolved.width)×\(resolved.height)"
        let (context, truncated) = try encodeContext(request)

        var noise = NoiseBatch(rng: request.rng, seeds: request.images.map(\.seed))
        let initial = noise.draw(perImage: shape.perImage)
        let denoiser = guidedDenoiser(
            shape: shape, context: context, guidanceScale: request.usesGuidance ? request.guidanceScale : nil)
        let latents = try resolved.sampler.sample(
            initialNoise: initial, shape: shape, noise: &noise, model: denoiser
        ) { step in
            try EngineMemory.check(work)
            try progress?(
                GenerationProgress(
                    step: step.step, total: step.total, latentShape: shape, denoised: step.denoised))
        }
        let images = try (0..<shape.batch).map { index in
            try decode(
                Array(latents[(index * shape.perImage)..<((index + 1) * shape.perImage)]), shape: shape)
        }
        try EngineMemory.check(work)
        let spacing = resolved.sampler.schedule.spacing
        let parameters = request.images.indices.map {
            self.parameters(
                request, image: $0, width: resolved.width, height: resolved.height, spacing: spacing)
        }
        return GenerationResult(
            images: images, parameters: parameters, latents: latents, latentShape: shape,
            width: resolved.width, height: resolved.height,
            timestepSpacing: spacing, truncatedPrompts: truncated)
    }

    /// The U-Net as the sampler's denoiser. With a guidance scale g the latents run twice in
    /// one batch, [x; x] against [negatives; prompts], and ε = ε_u + g·(ε_c − ε_u) in float32.
    func guidedDenoiser(shape: LatentShape, context: Tensor, guidanceScale: Float?) -> DenoiserModel {
        let dims = [shape.batch, shape.channels, shape.height, shape.width]
        return { input, timestep in
            guard let g = guidanceScale else {
                let sample = Tensor(shape: dims, values: input)
                return try unet.predictNoise(
                    sample: sample, timesteps: [timestep], context: context, backend: backend
                ).scalars
            }
            var doubled = input
            doubled.append(contentsOf: input)
            let sample = Tensor(shape: [2 * shape.batch] + dims.dropFirst(), values: doubled)
            let eps = try unet.predictNoise(
                sample: sample, timesteps: [timestep], context: context, backend: backend)
            let n = shape.count
            return eps.withUnsafeBufferPointer { e in
                [Float](unsafeUninitializedCapacity: n) { out, initialized in
                    for i in 0..<n {
                        let uncond = e[i]
                        let cond = e[n + i]
                        out[i] = uncond + g * (cond - uncond)
                    }
                    initialized = n
                }
            }
        }
    }

    /// One image's latents [C, h, w] → VAE decode of latents / scaling_factor → 8-bit RGB.
    func decode(_ latents: [Float], shape: LatentShape) throws -> RGBImage {
        let factor = vae.config.scalingFactor
        let scaled = Tensor(
            shape: [1, shape.channels, shape.height, shape.width], values: latents.map { $0 / factor })
        let image = try vae.decode(scaled, backend: backend)  // [1, 3, H, W]
        return try RGBImage(decoded: image.scalars, height: image.shape[2], width: image.shape[3])
    }
}

extension StableDiffusionPipeline {
    /// A request checked against the limits and this model, its size resolved.
    struct ResolvedRequest {
        let width: Int
        let height: Int
        let shape: LatentShape
        let sampler: Sampler
    }

    /// Checks everything before anything is allocated; errors name the setting and the limit.
    func resolve(_ request: GenerationRequest) throws -> ResolvedRequest {
        let count = request.images.count
        guard (1...GenerationLimits.maxBatch).contains(count) else {
            throw PipelineError.invalid("batch of \(count) images is outside 1…\(GenerationLimits.maxBatch)")
        }
        let native = nativeSize
        let width = request.width ?? native.width
        let height = request.height ?? native.height
        let multiple = max(GenerationLimits.sizeMultiple, vaeScaleFactor)
        for (name, value) in [("width", width), ("height", height)] {
            guard (1...GenerationLimits.maxSide).contains(value) else {
                throw PipelineError.invalid(
                    "\(name) \(value) is outside 1…\(GenerationLimits.maxSide) pixels")
            }
            guard value % multiple == 0 else {
                let lower = value / multiple * multiple
                let hint = lower > 0 ? "\(lower) or \(lower + multiple)" : "\(multiple)"
                throw PipelineError.invalid("\(name) \(value) is not a multiple of \(multiple) (try \(hint))")
            }
        }
        guard width * height * count <= GenerationLimits.maxBatchPixels else {
            throw PipelineError.invalid(
                "\(count) images of \(width)×\(height) exceed \(GenerationLimits.maxBatchPixels / (1 << 20)) Mpixels per batch; make fewer or smaller images"
            )
        }
        guard (1...GenerationLimits.maxSteps).contains(request.steps) else {
            throw PipelineError.invalid("steps \(request.steps) is outside 1…\(GenerationLimits.maxSteps)")
        }
        guard request.guidanceScale.isFinite, abs(request.guidanceScale) <= 100 else {
            throw PipelineError.invalid("guidance scale \(request.guidanceScale) is outside −100…100")
        }
        guard (1...textEncoder.config.layers).contains(request.clipSkip) else {
            throw PipelineError.invalid(
                "clip skip \(request.clipSkip) is outside 1…\(textEncoder.config.layers) (the text encoder's layers)"
            )
        }
        let shape = LatentShape(
            batch: count, channels: latentChannels, height: height / vaeScaleFactor,
            width: width / vaeScaleFactor)
        let unetBatch = request.usesGuidance ? 2 * count : count
        guard unetBatch <= UNet2DConditionModel.maxBatch,
            shape.height <= UNet2DConditionModel.maxLatentSide,
            shape.width <= UNet2DConditionModel.maxLatentSide
        else {
            throw PipelineError.invalid(
                "latents \(shape) (U-Net batch \(unetBatch)) exceed the U-Net's limits")
        }
        let sampler: Sampler
        do {
            sampler = try Sampler(
                kind: request.sampler, steps: request.steps, sigmaSchedule: request.sigmaSchedule,
                spacing: request.timestepSpacing, config: schedulerConfig)
        } catch {
            throw PipelineError.invalid("\(error)")
        }
        return ResolvedRequest(width: width, height: height, shape: shape, sampler: sampler)
    }
}

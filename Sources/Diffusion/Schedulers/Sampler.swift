/// Runs a whole denoising loop the way diffusers' StableDiffusionPipeline drives its scheduler:
/// scale the initial noise by `init_noise_sigma`; then for every timestep, scale the model
/// input, call the model, and step.
///
/// ```swift
/// let sampler = try Sampler(kind: .dpmpp2M, steps: 25, sigmaSchedule: .karras)
/// var noise = NoiseBatch(rng: .cpu, seed: 42, count: 2)
/// let shape = LatentShape(batch: 2, height: 64, width: 64)
/// let latents = try sampler.sample(initialNoise: noise.draw(perImage: shape.perImage), shape: shape,
///                                  noise: &noise, model: unetWithGuidance) { print($0.step, $0.total) }
/// ```
public struct Sampler: Sendable {
    public let schedule: SamplerSchedule

    public init(
        kind: SamplerKind, steps: Int, sigmaSchedule: SigmaScheduleKind = .default,
        spacing: TimestepSpacing? = nil, config: SchedulerConfig = .sd15
    ) throws {
        schedule = try SamplerSchedule(
            kind: kind, steps: steps, sigmaSchedule: sigmaSchedule, spacing: spacing, config: config)
    }

    public init(schedule: SamplerSchedule) {
        self.schedule = schedule
    }

    public var kind: SamplerKind { schedule.kind }

    /// Denoises `initialNoise` (unit-variance noise, `[B, C, H, W]` flat) into the final
    /// latents. `noise` supplies the per-step noise of ancestral samplers, one generator per
    /// image, continuing the generators the initial noise came from. `progress` is called after
    /// every model call; throwing from it (or from `model`) stops the run with that error.
    public func sample(
        initialNoise: [Float], shape: LatentShape, noise: inout NoiseBatch,
        model: DenoiserModel, progress: ((SamplerProgress) throws -> Void)? = nil
    ) throws -> [Float] {
        guard shape.isValid else {
            throw SamplerError.invalidShape(shape)
        }
        guard initialNoise.count == shape.count else {
            throw SamplerError.noiseSizeMismatch(expected: shape.count, got: initialNoise.count)
        }
        if kind.isAncestral && noise.count != shape.batch {
            throw SamplerError.generatorCountMismatch(images: shape.batch, generators: noise.count)
        }
        let sigma = schedule.initNoiseSigma
        var x = initialNoise.map { $0 * sigma }
        try withoutActuallyEscaping(model) { model in
            var run = SamplingRun(schedule: schedule, shape: shape, model: model, progress: progress)
            switch kind {
            case .ddim: try ddim(&x, &run)
            case .pndm: try plms(&x, &run)
            case .euler: try euler(&x, &run)
            case .eulerAncestral: try eulerAncestral(&x, &run, noise: &noise)
            case .dpmpp2M: try dpmSolverPlusPlus2M(&x, &run)
            case .lms: try lms(&x, &run)
            case .heun: try heun(&x, &run)
            }
        }
        return x
    }
}

/// The state every sampler loop shares: the model, the progress callback and the call count.
struct SamplingRun {
    let schedule: SamplerSchedule
    let shape: LatentShape
    let model: DenoiserModel
    let progress: ((SamplerProgress) throws -> Void)?
    private(set) var calls = 0

    init(
        schedule: SamplerSchedule, shape: LatentShape, model: @escaping DenoiserModel,
        progress: ((SamplerProgress) throws -> Void)?
    ) {
        self.schedule = schedule
        self.shape = shape
        self.model = model
        self.progress = progress
    }

    /// One model call, its output size checked.
    mutating func epsilon(_ input: [Float], timestep: Float) throws -> [Float] {
        calls += 1
        let output = try model(input, timestep)
        guard output.count == input.count else {
            throw SamplerError.modelOutputSizeMismatch(step: calls, expected: input.count, got: output.count)
        }
        return output
    }

    /// Reports the latents after the update that followed the latest model call, and that
    /// call's x̂₀ (computed only when someone listens).
    func report(_ latents: [Float], timestep: Float, denoised: () -> [Float]) throws {
        guard let progress else { return }
        try progress(
            SamplerProgress(
                step: calls, total: schedule.modelEvaluations, timestep: timestep, latents: latents,
                denoised: denoised()))
    }
}

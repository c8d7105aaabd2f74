// Follows the set_timesteps and init_noise_sigma of diffusers 0.42's DDIM, PNDM, Euler,
// EulerAncestral, DPMSolverMultistep, LMS and Heun discrete schedulers.

/// What a sampler will do for a number of steps: the timestep of every model call and the
/// noise levels, exactly as the diffusers scheduler's `set_timesteps` computes them.
public struct SamplerSchedule: Sendable {
    public let kind: SamplerKind
    /// The requested number of inference steps.
    public let steps: Int
    public let spacing: TimestepSpacing
    public let sigmaSchedule: SigmaScheduleKind
    /// The timestep given to the model at each call, in order (diffusers' `scheduler.timesteps`):
    /// N values, N + 1 for pndm, 2N − 1 for heun.
    public let timesteps: [Float]
    /// diffusers' `scheduler.sigmas` (one per timestep and a final 0); empty for ddim and pndm,
    /// which work with ᾱ directly.
    public let sigmas: [Float]
    /// The standard deviation the initial noise is scaled to.
    public let initNoiseSigma: Float

    let settings: SchedulerSettings
    let training: TrainingNoiseSchedule
    /// T // N, the step ddim and pndm take back in train timesteps.
    let stepRatio: Int
    /// ᾱ used below t = 0 (ddim, pndm).
    let finalAlphaCumprod: Float

    /// Resolves the schedule; throws for what the diffusers class cannot do (or we do not).
    public init(
        kind: SamplerKind, steps: Int, sigmaSchedule: SigmaScheduleKind = .default,
        spacing: TimestepSpacing? = nil, config: SchedulerConfig = .sd15
    ) throws {
        // As loaded, without from_config: only the config's own class, with no overrides.
        let native = config.className == kind.diffusersClass && sigmaSchedule == .default && spacing == nil
        var settings = SchedulerSettings(config, for: kind, native: native)
        if let spacing { settings.timestepSpacing = spacing }
        let trainSteps = settings.numTrainTimesteps
        guard (1...trainSteps).contains(steps) else {
            throw SamplerError.invalidSteps(steps, trainTimesteps: trainSteps)
        }
        guard settings.predictionType == .epsilon else {
            throw SamplerError.unsupported(
                "\(kind): prediction_type \"\(settings.predictionType.rawValue)\" (only epsilon models are supported)"
            )
        }
        if sigmaSchedule == .karras && !kind.supportsKarras {
            throw SamplerError.unsupported(
                "\(kind): the karras schedule (diffusers' \(kind.diffusersClass) has no use_karras_sigmas)")
        }
        if kind == .pndm && !settings.skipPRKSteps {
            throw SamplerError.unsupported(
                "pndm: skip_prk_steps false (only PLMS with skip_prk_steps, as SD's own config sets it)")
        }
        self.kind = kind
        self.steps = steps
        self.spacing = settings.timestepSpacing
        self.sigmaSchedule = sigmaSchedule
        self.settings = settings
        let training = TrainingNoiseSchedule(settings)
        self.training = training
        self.stepRatio = trainSteps / steps
        self.finalAlphaCumprod = settings.setAlphaToOne ? 1 : training.alphasCumprod[0]

        let plan: (timesteps: [Float], sigmas: [Float], initNoiseSigma: Float)
        switch kind {
        case .ddim:
            let integers = Self.discreteTimesteps(settings, steps: steps)
            plan = (integers.map(Float.init), [], 1)
        case .pndm:
            plan = (Self.plmsTimesteps(settings, steps: steps).map(Float.init), [], 1)
        case .euler, .eulerAncestral, .lms:
            let (timesteps, sigmas) = Self.sigmaTimesteps(
                settings, training, steps: steps, karras: sigmaSchedule == .karras)
            plan = (timesteps, sigmas, Self.initNoiseSigma(sigmas, spacing: settings.timestepSpacing))
        case .heun:
            let (timesteps, sigmas) = Self.sigmaTimesteps(
                settings, training, steps: steps, karras: sigmaSchedule == .karras)
            // Every σ but the first and the last is visited twice (the Euler and the correction call).
            let heunSigmas =
                [sigmas[0]] + sigmas.dropFirst().dropLast().flatMap { [$0, $0] } + [sigmas[sigmas.count - 1]]
            let heunTimesteps = [timesteps[0]] + timesteps.dropFirst().flatMap { [$0, $0] }
            plan = (
                heunTimesteps, heunSigmas, Self.initNoiseSigma(heunSigmas, spacing: settings.timestepSpacing)
            )
        case .dpmpp2M:
            let (timesteps, sigmas) = Self.dpmTimesteps(
                settings, training, steps: steps, karras: sigmaSchedule == .karras)
            plan = (timesteps.map(Float.init), sigmas, 1)
        }
        self.timesteps = plan.timesteps
        self.sigmas = plan.sigmas
        self.initNoiseSigma = plan.initNoiseSigma
        try validate()
    }

    /// The number of model calls (with a batch each).
    public var modelEvaluations: Int { timesteps.count }

    private func validate() throws {
        guard !timesteps.isEmpty else {
            throw SamplerError.unsupported("\(kind): \(steps) steps give no timesteps")
        }
        if kind == .ddim || kind == .pndm {
            // diffusers indexes alphas_cumprod with these: −1 silently wraps to ᾱ[999] in Python and
            // larger values are an IndexError. Refused here instead.
            let range = 0..<settings.numTrainTimesteps
            if let bad = timesteps.first(where: { !range.contains(Int($0)) }) {
                throw SamplerError.unsupported(
                    "\(kind): timestep \(Int(bad)) outside 0..<\(settings.numTrainTimesteps) (steps_offset \(settings.stepsOffset) with \(spacing) spacing)"
                )
            }
        } else if timesteps.count > 1 && timesteps[1] == timesteps[0] {
            // diffusers' index_for_timestep would start at the second entry and overrun its σ.
            throw SamplerError.unsupported(
                "\(kind): \(steps) steps repeat the first timestep \(timesteps[0]) (diffusers starts a step late there and fails)"
            )
        }
    }

    /// init_noise_sigma of the Euler family: σmax for linspace and trailing, √(σmax² + 1) for leading.
    private static func initNoiseSigma(_ sigmas: [Float], spacing: TimestepSpacing) -> Float {
        let maximum = sigmas.max() ?? 0
        return spacing == .leading ? (maximum * maximum + 1).squareRoot() : maximum
    }
}

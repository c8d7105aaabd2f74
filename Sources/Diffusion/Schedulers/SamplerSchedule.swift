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
            throw SamplerError.unsupported("\(kind): prediction_type \"\(settings.predictionType.rawValue)\" (only epsilon models are supported)")
        }
        if sigmaSchedule == .karras && !kind.supportsKarras {
            throw SamplerError.unsupported("\(kind): the karras schedule (diffusers' \(kind.diffusersClass) has no use_karras_sigmas)")
        }
        if kind == .pndm && !settings.skipPRKSteps {
            throw SamplerError.unsupported("pndm: skip_prk_steps false (only PLMS with skip_prk_steps, as SD's own config sets it)")
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
            let (timesteps, sigmas) = Self.sigmaTimesteps(settings, training, steps: steps, karras: sigmaSchedule == .karras)
            plan = (timesteps, sigmas, Self.initNoiseSigma(sigmas, spacing: settings.timestepSpacing))
        case .heun:
            let (timesteps, sigmas) = Self.sigmaTimesteps(settings, training, steps: steps, karras: sigmaSchedule == .karras)
            // Every σ but the first and the last is visited twice (the Euler and the correction call).
            let heunSigmas = [sigmas[0]] + sigmas.dropFirst().dropLast().flatMap { [$0, $0] } + [sigmas[sigmas.count - 1]]
            let heunTimesteps = [timesteps[0]] + timesteps.dropFirst().flatMap { [$0, $0] }
            plan = (heunTimesteps, heunSigmas, Self.initNoiseSigma(heunSigmas, spacing: settings.timestepSpacing))
        case .dpmpp2M:
            let (timesteps, sigmas) = Self.dpmTimesteps(settings, training, steps: steps, karras: sigmaSchedule == .karras)
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
        guard !timesteps.isEmpty else { throw SamplerError.unsupported("\(kind): \(steps) steps give no timesteps") }
        if kind == .ddim || kind == .pndm {
            // diffusers indexes alphas_cumprod with these: −1 silently wraps to ᾱ[999] in Python and
            // larger values are an IndexError. Refused here instead.
            let range = 0..<settings.numTrainTimesteps
            if let bad = timesteps.first(where: { !range.contains(Int($0)) }) {
                throw SamplerError.unsupported("\(kind): timestep \(Int(bad)) outside 0..<\(settings.numTrainTimesteps) (steps_offset \(settings.stepsOffset) with \(spacing) spacing)")
            }
        } else if timesteps.count > 1 && timesteps[1] == timesteps[0] {
            // diffusers' index_for_timestep would start at the second entry and overrun its σ.
            throw SamplerError.unsupported("\(kind): \(steps) steps repeat the first timestep \(timesteps[0]) (diffusers starts a step late there and fails)")
        }
    }

    /// init_noise_sigma of the Euler family: σmax for linspace and trailing, √(σmax² + 1) for leading.
    private static func initNoiseSigma(_ sigmas: [Float], spacing: TimestepSpacing) -> Float {
        let maximum = sigmas.max() ?? 0
        return spacing == .leading ? (maximum * maximum + 1).squareRoot() : maximum
    }

    /// DDIM's integer timesteps, descending.
    static func discreteTimesteps(_ settings: SchedulerSettings, steps: Int) -> [Int] {
        let trainSteps = settings.numTrainTimesteps
        switch settings.timestepSpacing {
        case .linspace:
            return NumPyStyle.linspace(0, Double(trainSteps - 1), steps).map { Int(NumPyStyle.round($0)) }.reversed()
        case .leading:
            let ratio = trainSteps / steps
            return (0..<steps).reversed().map { $0 * ratio + settings.stepsOffset }
        case .trailing:
            return NumPyStyle.arange(Double(trainSteps), 0, -Double(trainSteps) / Double(steps))
                .map { Int(NumPyStyle.round($0)) - 1 }
        }
    }

    /// PNDM's PLMS timesteps: the ascending set t₀ … t_{N−1}, then
    /// [t_{N−1}, t_{N−2}, t_{N−2}, t_{N−3}, …, t₀] (the second one repeated).
    static func plmsTimesteps(_ settings: SchedulerSettings, steps: Int) -> [Int] {
        let trainSteps = settings.numTrainTimesteps
        let ascending: [Int]
        switch settings.timestepSpacing {
        case .linspace:
            ascending = NumPyStyle.linspace(0, Double(trainSteps - 1), steps).map { Int(NumPyStyle.round($0)) }
        case .leading:
            let ratio = trainSteps / steps
            ascending = (0..<steps).map { $0 * ratio + settings.stepsOffset }
        case .trailing:
            ascending = NumPyStyle.arange(Double(trainSteps), 0, -Double(trainSteps) / Double(steps))
                .map { Int(NumPyStyle.round($0)) }.reversed().map { $0 - 1 }
        }
        guard ascending.count >= 2 else { return ascending }
        let n = ascending.count
        return Array((Array(ascending[..<(n - 1)]) + [ascending[n - 2], ascending[n - 1]]).reversed())
    }

    /// Timesteps and σ (with the final 0) of Euler, Euler a, LMS and Heun.
    static func sigmaTimesteps(
        _ settings: SchedulerSettings, _ training: TrainingNoiseSchedule, steps: Int, karras: Bool
    ) -> (timesteps: [Float], sigmas: [Float]) {
        let trainSteps = settings.numTrainTimesteps
        var timesteps: [Float]
        switch settings.timestepSpacing {
        case .linspace:
            timesteps = NumPyStyle.linspace(0, Double(trainSteps - 1), steps).map(Float.init).reversed()
        case .leading:
            let ratio = trainSteps / steps
            timesteps = (0..<steps).reversed().map { Float($0 * ratio) + Float(settings.stepsOffset) }
        case .trailing:
            timesteps = NumPyStyle.arange(Double(trainSteps), 0, -Double(trainSteps) / Double(steps))
                .map { Float(NumPyStyle.round($0)) - 1 }
        }
        var sigmas = timesteps.map { NumPyStyle.interp(Double($0), table: training.sigmas) }
        if karras {
            sigmas = KarrasSigmas.sigmas(min: sigmas[sigmas.count - 1], max: sigmas[0], count: steps)
            timesteps = sigmas.map { Float(KarrasSigmas.timestep(ofSigma: $0, logSigmas: training.logSigmas)) }
        }
        return (timesteps, sigmas.map(Float.init) + [0])
    }

    /// DPMSolverMultistep's integer timesteps (N + 1 spaced points, the last dropped) and σ.
    static func dpmTimesteps(
        _ settings: SchedulerSettings, _ training: TrainingNoiseSchedule, steps: Int, karras: Bool
    ) -> (timesteps: [Int], sigmas: [Float]) {
        let trainSteps = settings.numTrainTimesteps
        var timesteps: [Int]
        switch settings.timestepSpacing {
        case .linspace:
            timesteps = NumPyStyle.linspace(0, Double(trainSteps - 1), steps + 1).map { Int(NumPyStyle.round($0)) }
                .reversed().dropLast()
        case .leading:
            let ratio = trainSteps / (steps + 1)
            timesteps = (0...steps).reversed().dropLast().map { $0 * ratio + settings.stepsOffset }
        case .trailing:
            timesteps = NumPyStyle.arange(Double(trainSteps), 0, -Double(trainSteps) / Double(steps))
                .map { Int(NumPyStyle.round($0)) - 1 }
        }
        let sigmas: [Double]
        if karras {
            let table = training.sigmas
            sigmas = KarrasSigmas.sigmas(min: Double(table[0]), max: Double(table[table.count - 1]), count: steps)
            timesteps = sigmas.map { sigma in
                let t = KarrasSigmas.timestep(ofSigma: sigma, logSigmas: training.logSigmas)
                // diffusers rounds except for the cosine schedule, whose int64 cast truncates.
                return settings.betaSchedule == .squaredCosCapV2 ? Int(t) : Int(NumPyStyle.round(t))
            }
        } else {
            sigmas = timesteps.map { NumPyStyle.interp(Double($0), table: training.sigmas) }
        }
        return (timesteps, sigmas.map(Float.init) + [0])
    }
}

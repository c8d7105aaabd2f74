/// The samplers people choose by name, each numerically equal to the diffusers scheduler it is
/// named after (with that class's defaults).
public enum SamplerKind: String, Sendable, CaseIterable, CustomStringConvertible {
    /// DDIMScheduler, η = 0.
    case ddim
    /// PNDMScheduler with skip_prk_steps (PLMS): N + 1 model calls.
    case pndm
    /// EulerDiscreteScheduler.
    case euler
    /// EulerAncestralDiscreteScheduler: fresh noise every step from each image's generator.
    case eulerAncestral = "euler_a"
    /// DPMSolverMultistepScheduler defaults: order 2, dpmsolver++, midpoint, lower order final.
    case dpmpp2M = "dpmpp_2m"
    /// LMSDiscreteScheduler, order 4.
    case lms
    /// HeunDiscreteScheduler: two model calls a step (2N − 1 in all).
    case heun

    public var description: String { rawValue }

    /// The name A1111 writes in its `Sampler:` field.
    public var a1111Name: String {
        switch self {
        case .ddim: "DDIM"
        case .pndm: "PLMS"
        case .euler: "Euler"
        case .eulerAncestral: "Euler a"
        case .dpmpp2M: "DPM++ 2M"
        case .lms: "LMS"
        case .heun: "Heun"
        }
    }

    /// Whether the diffusers class has `use_karras_sigmas`.
    public var supportsKarras: Bool {
        switch self {
        case .euler, .dpmpp2M, .lms, .heun: true
        case .ddim, .pndm, .eulerAncestral: false
        }
    }

    /// Whether each step draws fresh noise.
    public var isAncestral: Bool { self == .eulerAncestral }

    /// The diffusers class it reproduces.
    public var diffusersClass: String {
        switch self {
        case .ddim: "DDIMScheduler"
        case .pndm: "PNDMScheduler"
        case .euler: "EulerDiscreteScheduler"
        case .eulerAncestral: "EulerAncestralDiscreteScheduler"
        case .dpmpp2M: "DPMSolverMultistepScheduler"
        case .lms: "LMSDiscreteScheduler"
        case .heun: "HeunDiscreteScheduler"
        }
    }
}

/// `--schedule`: the sigmas the timestep spacing gives, or Karras et al.'s ρ = 7 schedule
/// between the same end points.
public enum SigmaScheduleKind: String, Sendable, CaseIterable, CustomStringConvertible {
    case `default`
    case karras

    public var description: String { rawValue }
}

/// A scheduler config with every key resolved for one sampler: the file's value where it gives
/// one, else that diffusers class's default — except when the sampler *is* the config's class
/// and used as loaded (`native`): then StableDiffusionPipeline's load-time fix-up (steps_offset
/// 1, clip_sample false) holds for missing keys too. Swapping classes with `from_config` drops
/// those fixed-up defaults again.
struct SchedulerSettings: Sendable, Equatable {
    var numTrainTimesteps: Int
    var betaStart: Double
    var betaEnd: Double
    var betaSchedule: BetaSchedule
    var predictionType: PredictionType
    var stepsOffset: Int
    var setAlphaToOne: Bool
    var clipSample: Bool
    var clipSampleRange: Double
    var skipPRKSteps: Bool
    var timestepSpacing: TimestepSpacing

    init(_ config: SchedulerConfig, for kind: SamplerKind, native: Bool = false) {
        numTrainTimesteps = config.numTrainTimesteps ?? 1000
        betaStart = config.betaStart ?? (kind == .heun ? 0.00085 : 0.0001)
        betaEnd = config.betaEnd ?? (kind == .heun ? 0.012 : 0.02)
        betaSchedule = config.betaSchedule ?? .linear
        predictionType = config.predictionType ?? .epsilon
        stepsOffset = config.stepsOffset ?? (native ? 1 : 0)
        setAlphaToOne = config.setAlphaToOne ?? (kind == .ddim)
        clipSample = config.clipSample ?? (native ? false : kind == .ddim)
        clipSampleRange = config.clipSampleRange ?? 1
        skipPRKSteps = config.skipPRKSteps ?? false
        timestepSpacing = config.timestepSpacing ?? kind.defaultTimestepSpacing
    }
}

extension SamplerKind {
    /// The class's own `timestep_spacing` default.
    public var defaultTimestepSpacing: TimestepSpacing {
        switch self {
        case .ddim, .pndm: .leading
        case .euler, .eulerAncestral, .dpmpp2M, .lms, .heun: .linspace
        }
    }
}

/// What to make: one entry per image of the batch (each with its own prompt, negative prompt
/// and seed, so a farm batch may mix prompts), and the settings they share.
///
/// Defaults are `sdfarm generate`'s: the model's native size, 25 steps, CFG 7, DPM++ 2M with
/// the Karras schedule, the CPU generator, clip skip 1.
public struct GenerationRequest: Sendable, Equatable {
    /// One image of the batch.
    public struct Image: Sendable, Equatable {
        public var prompt: String
        /// The empty prompt is encoded when there is none, as diffusers does.
        public var negativePrompt: String
        /// Seeds this image's own generator (initial noise and, for ancestral samplers, every
        /// step's noise).
        public var seed: UInt64

        public init(prompt: String, negativePrompt: String = "", seed: UInt64) {
            self.prompt = prompt
            self.negativePrompt = negativePrompt
            self.seed = seed
        }
    }

    public var images: [Image]
    /// Image size in pixels; nil = the model's native size (U-Net sample size × VAE factor).
    public var width: Int?
    public var height: Int?
    public var steps: Int
    /// Classifier-free guidance scale; ≤ 1 disables guidance (no unconditional pass), as in diffusers.
    public var guidanceScale: Float
    public var sampler: SamplerKind
    public var sigmaSchedule: SigmaScheduleKind
    /// nil = the model's scheduler config, else the sampler's own diffusers default.
    public var timestepSpacing: TimestepSpacing?
    public var rng: RNGKind
    /// A1111's meaning: 1 = the text encoder's last layer, 2 = the one before, … (applied to the
    /// prompt and the negative prompt alike).
    public var clipSkip: Int

    public init(
        images: [Image], width: Int? = nil, height: Int? = nil, steps: Int = 25, guidanceScale: Float = 7,
        sampler: SamplerKind = .dpmpp2M, sigmaSchedule: SigmaScheduleKind = .karras,
        timestepSpacing: TimestepSpacing? = nil, rng: RNGKind = .cpu, clipSkip: Int = 1
    ) {
        self.images = images
        self.width = width
        self.height = height
        self.steps = steps
        self.guidanceScale = guidanceScale
        self.sampler = sampler
        self.sigmaSchedule = sigmaSchedule
        self.timestepSpacing = timestepSpacing
        self.rng = rng
        self.clipSkip = clipSkip
    }

    /// `count` images of one prompt, seeded `seed`, `seed + 1`, … (wrapping at 2⁶⁴).
    public init(
        prompt: String, negativePrompt: String = "", seed: UInt64, count: Int = 1, width: Int? = nil,
        height: Int? = nil,
        steps: Int = 25, guidanceScale: Float = 7, sampler: SamplerKind = .dpmpp2M,
        sigmaSchedule: SigmaScheduleKind = .karras, timestepSpacing: TimestepSpacing? = nil,
        rng: RNGKind = .cpu,
        clipSkip: Int = 1
    ) {
        let images = (0..<max(count, 0)).map {
            Image(prompt: prompt, negativePrompt: negativePrompt, seed: seed &+ UInt64($0))
        }
        self.init(
            images: images, width: width, height: height, steps: steps, guidanceScale: guidanceScale,
            sampler: sampler,
            sigmaSchedule: sigmaSchedule, timestepSpacing: timestepSpacing, rng: rng, clipSkip: clipSkip)
    }

    /// Whether the U-Net also runs on the negative prompts (diffusers: guidance_scale > 1).
    public var usesGuidance: Bool { guidanceScale > 1 }
}

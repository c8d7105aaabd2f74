/// What made one image, as written into its PNG's `parameters` text chunk in the format of
/// AUTOMATIC1111's stable-diffusion-webui ("infotext"), which SD tools read: the prompt, a
/// `Negative prompt: …` line when there is one, then `Steps: 25, Sampler: DPM++ 2M, …`.
///
/// `infotext` renders it (GenerationParameters+Render.swift); `parse(_:)` reads it back from
/// any A1111-style text (GenerationParameters+Parse.swift). The field spellings and value
/// mappings are in docs/engine.md ("PNG parameters").
public struct GenerationParameters: Sendable, Equatable {
    /// A `key: value` entry of the parameters line that has no typed field here (another tool's
    /// "Hires upscale", "VAE hash", …), kept in the order it was read. A key equal to its value is
    /// written bare, as A1111 does.
    public struct Field: Sendable, Equatable {
        public var key: String
        public var value: String

        public init(_ key: String, _ value: String) {
            self.key = key
            self.value = value
        }
    }

    public var prompt: String
    /// Empty when none was given (no `Negative prompt:` line is written then).
    public var negativePrompt: String
    public var steps: Int
    public var sampler: SamplerKind
    public var schedule: SigmaScheduleKind
    /// The spacing used when it is not the one the model's scheduler config or the sampler's
    /// own diffusers default gives; nil: that default ("Timestep spacing" is then not written).
    public var timestepSpacing: TimestepSpacing?
    /// Written as A1111 does: `7`, not `7.0`; `7.5`.
    public var cfgScale: Double
    /// This image's own seed (seed + i for image i of a batch), so that it can be made alone.
    public var seed: UInt64
    public var width: Int
    public var height: Int
    /// The first 10 hex digits of the checkpoint's sha256 (`ModelHash.short`).
    public var modelHash: String?
    /// The checkpoint's name: its file name without extension, or its folder's name.
    public var modelName: String?
    public var rng: RNGKind
    /// A1111's "Clip skip" (NUMERICS.md); nil: the normal output (not written).
    public var clipSkip: Int?
    /// Other tools' keys, written after the known ones and before `Version`.
    public var extra: [Field]
    /// `sdfarm X.Y.Z`; nil: not written.
    public var version: String?

    public init(
        prompt: String, negativePrompt: String = "", steps: Int, sampler: SamplerKind,
        schedule: SigmaScheduleKind = .default, timestepSpacing: TimestepSpacing? = nil,
        cfgScale: Double, seed: UInt64, width: Int, height: Int,
        modelHash: String? = nil, modelName: String? = nil, rng: RNGKind = .cpu, clipSkip: Int? = nil,
        extra: [Field] = [], version: String? = GenerationParameters.sdfarmVersion
    ) {
        self.prompt = prompt
        self.negativePrompt = negativePrompt
        self.steps = steps
        self.sampler = sampler
        self.schedule = schedule
        self.timestepSpacing = timestepSpacing
        self.cfgScale = cfgScale
        self.seed = seed
        self.width = width
        self.height = height
        self.modelHash = modelHash
        self.modelName = modelName
        self.rng = rng
        self.clipSkip = clipSkip
        self.extra = extra
        self.version = version
    }

    /// The `Version` this build writes.
    public static var sdfarmVersion: String { "sdfarm \(Diffusion.version)" }
}

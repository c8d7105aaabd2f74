/// The one check of render settings that `sdfarm generate`, `sdfarm submit` (command line and
/// prompt-file lines) and the coordinator's submit handling all run, on plain values, so that
/// nothing one of them accepts is refused by another or by every worker.
///
/// The limits are the engine's (`Diffusion.GenerationLimits`, which this target cannot import;
/// `CLIRenderSettingsValidationTests` checks that they agree) and the names are the engine's
/// samplers and schedules. Each failure is a `RenderSettingsError` naming the field, what it
/// must be and the value given.
public enum RenderSettingsValidation {
    /// Width and height: multiples of 8 (diffusers' check_inputs) up to the engine's largest side.
    public static let sizeMultiple = 8
    public static let sides = 8...4096
    public static let steps = 1...1000
    /// Guidance scale; 1 or less turns guidance off.
    public static let cfg = 0.0...50.0
    /// Images per prompt line of `submit` (seeds S, S+1, …); `generate --batch` passes the
    /// engine's own batch limit to `checkSeeds`.
    public static let seedsPerPrompt = 1...10_000
    /// A job's priority travels as an i32.
    public static let priorities = Int(Int32.min)...Int(Int32.max)
    public static let samplers = ["ddim", "pndm", "euler", "euler_a", "dpmpp_2m", "lms", "heun"]
    public static let schedules = ["default", "karras"]
    /// Values of the optional settings the engine understands (`RenderSettings.rng`,
    /// `RenderSettings.timestepSpacing`).
    public static let rngs = ["cpu", "philox"]
    public static let timestepSpacings = ["leading", "linspace", "trailing"]

    /// Everything a batch of items shares. `width`/`height` nil: the model's native size
    /// (`generate` without --width); `model` nil: not named by the caller (`generate` with the
    /// bundled model).
    public static func check(
        model: String?, width: Int?, height: Int?, steps: Int, cfg: Double, sampler: String,
        schedule: String?,
        rng: String = RenderSettings.defaultRNG, timestepSpacing: String? = nil
    ) throws(RenderSettingsError) {
        if let model {
            guard !model.isEmpty, !model.allSatisfy(\.isWhitespace) else {
                throw RenderSettingsError(field: "model", requirement: "a model name", value: "\"\(model)\"")
            }
            guard model.utf8.count <= WireLimits.maxName else {
                throw RenderSettingsError(
                    field: "model", requirement: "at most \(WireLimits.maxName) bytes long",
                    value: "\(model.utf8.count) bytes")
            }
        }
        for (field, value) in [("width", width), ("height", height)] {
            guard let value else { continue }
            guard sides.contains(value), value % sizeMultiple == 0 else {
                throw RenderSettingsError(
                    field: field,
                    requirement:
                        "a multiple of \(sizeMultiple) from \(sides.lowerBound) to \(sides.upperBound)",
                    value: "\(value)")
            }
        }
        guard Self.steps.contains(steps) else {
            throw RenderSettingsError(
                field: "steps", requirement: "from \(Self.steps.lowerBound) to \(Self.steps.upperBound)",
                value: "\(steps)")
        }
        guard cfg.isFinite, Self.cfg.contains(cfg) else {
            throw RenderSettingsError(
                field: "cfg", requirement: "a number from 0 to \(Int(Self.cfg.upperBound))", value: "\(cfg)")
        }
        guard samplers.contains(sampler) else {
            throw RenderSettingsError(
                field: "sampler", requirement: "one of \(samplers.joined(separator: ", "))",
                value: "\"\(sampler)\"")
        }
        if let schedule, !schedules.contains(schedule) {
            throw RenderSettingsError(
                field: "schedule", requirement: "one of \(schedules.joined(separator: ", "))",
                value: "\"\(schedule)\"")
        }
        if !rngs.contains(rng) {
            throw RenderSettingsError(
                field: "rng", requirement: "one of \(rngs.joined(separator: ", "))", value: "\"\(rng)\"")
        }
        if let spacing = timestepSpacing, !timestepSpacings.contains(spacing) {
            throw RenderSettingsError(
                field: "timestep-spacing", requirement: "one of \(timestepSpacings.joined(separator: ", "))",
                value: "\"\(spacing)\"")
        }
    }

    /// Settings as they travel: every field checked, as `check(model:…)` does.
    public static func check(_ settings: RenderSettings) throws(RenderSettingsError) {
        try check(
            model: settings.model, width: settings.width, height: settings.height, steps: settings.steps,
            cfg: settings.cfg,
            sampler: settings.sampler, schedule: settings.schedule, rng: settings.rng,
            timestepSpacing: settings.timestepSpacing)
    }

    /// `count` images seeded `first`, `first + 1`, …: the count is in range and the last seed
    /// does not pass 2^64 − 1 (it would wrap to 0 and repeat other images' seeds).
    public static func checkSeeds(
        first: UInt64, count: Int, countField: String = "seeds", countRange: ClosedRange<Int> = seedsPerPrompt
    )
        throws(RenderSettingsError)
    {
        guard countRange.contains(count) else {
            throw RenderSettingsError(
                field: countField, requirement: "from \(countRange.lowerBound) to \(countRange.upperBound)",
                value: "\(count)")
        }
        guard UInt64(count - 1) <= UInt64.max - first else {
            throw RenderSettingsError(
                field: "seed",
                requirement:
                    "at most \(UInt64.max - UInt64(count - 1)) with \(count) images (the last seed would pass 2^64-1)",
                value: "\(first)")
        }
    }

    public static func checkPriority(_ priority: Int) throws(RenderSettingsError) {
        guard priorities.contains(priority) else {
            throw RenderSettingsError(
                field: "priority", requirement: "from \(priorities.lowerBound) to \(priorities.upperBound)",
                value: "\(priority)")
        }
    }
}

/// A render setting outside what the farm accepts: `field` (as a prompt file names it, and
/// as `--field` on the command line), what it must be, and the value given.
public struct RenderSettingsError: Error, Sendable, Equatable, CustomStringConvertible {
    public var field: String
    public var requirement: String
    public var value: String

    public init(field: String, requirement: String, value: String) {
        self.field = field
        self.requirement = requirement
        self.value = value
    }

    /// "width must be a multiple of 8 from 8 to 4096, not -8": for prompt-file lines and the
    /// coordinator's answer.
    public var description: String { "\(field) must be \(requirement), not \(value)" }

    /// The same with the option's spelling, for command-line flags ("--width must be …").
    public var flagDescription: String { "--\(description)" }
}

import FarmProtocol

/// The settings every item of a job gets unless its line says otherwise (the command line's).
struct GenerationDefaults: Equatable {
    var model: String
    var seeds = 1
    /// The first seed; nil: a random base chosen once per job.
    var seed: UInt64?
    var steps = 25
    var cfg = 7.0
    var sampler = "dpmpp_2m"
    var schedule = "karras"
    var width = 512
    var height = 512
    var negative = ""
}

/// One item as it will be submitted, numbered in file order.
struct ItemDraft: Equatable {
    var index: Int
    var line: Int
    var prompt: String
    var negative: String
    var seed: UInt64
    var steps: Int
    var cfg: Double
    var sampler: String
    var schedule: String
    var width: Int
    var height: Int
}

/// Turns records into items: line by line, and within a line seed by seed (S, S+1, …; a
/// line whose last seed would pass 2^64-1 is refused), checking every value with the farm's
/// one validation (`RenderSettingsValidation`).
struct ItemExpander {
    static let maxPromptBytes = 16 << 10

    let defaults: GenerationDefaults
    /// The job's random base, used when neither the line nor the command line gives a seed.
    let jobBaseSeed: UInt64
    private(set) var nextIndex = 0

    init(defaults: GenerationDefaults, jobBaseSeed: UInt64) {
        self.defaults = defaults
        self.jobBaseSeed = jobBaseSeed
    }

    /// The items of one record; throws a `FieldError` saying what is wrong with it. Numbers
    /// are handed out only when the whole record is good.
    mutating func expand(_ r: PromptRecord) throws -> [ItemDraft] {
        let seeds = r.seeds ?? defaults.seeds
        let steps = r.steps ?? defaults.steps
        let cfg = r.cfg ?? defaults.cfg
        let width = r.width ?? defaults.width
        let height = r.height ?? defaults.height
        let sampler = r.sampler ?? defaults.sampler
        let schedule = r.schedule ?? defaults.schedule
        let negative = r.negative ?? defaults.negative
        let base = r.seed ?? defaults.seed ?? jobBaseSeed
        do {
            try RenderSettingsValidation.checkSeeds(first: base, count: seeds)
            try RenderSettingsValidation.check(
                model: defaults.model, width: width, height: height, steps: steps, cfg: cfg, sampler: sampler,
                schedule: schedule)
        } catch {
            throw FieldError(error.description)
        }
        guard r.prompt.utf8.count <= Self.maxPromptBytes, negative.utf8.count <= Self.maxPromptBytes else {
            throw FieldError("prompt longer than \(Self.maxPromptBytes) bytes")
        }
        var items: [ItemDraft] = []
        items.reserveCapacity(seeds)
        for k in 0..<seeds {
            items.append(
                ItemDraft(
                    index: nextIndex + k, line: r.line, prompt: r.prompt, negative: negative,
                    seed: base + UInt64(k), steps: steps, cfg: cfg, sampler: sampler, schedule: schedule,
                    width: width, height: height))
        }
        nextIndex += seeds
        return items
    }
}

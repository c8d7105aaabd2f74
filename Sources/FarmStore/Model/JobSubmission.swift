/// A job as a client submits it: its settings and its items, in submission order.
public struct JobSubmission: Sendable, Equatable {
    public var owner: String
    /// Higher runs first.
    public var priority: Int
    /// The submitted settings, opaque to the store (the coordinator's JSON).
    public var settings: String
    public var items: [ItemSpec]

    public init(owner: String, priority: Int = 0, settings: String = "{}", items: [ItemSpec]) {
        self.owner = owner
        self.priority = priority
        self.settings = settings
        self.items = items
    }
}

/// One image to make: a prompt, a seed and the generation settings.
public struct ItemSpec: Sendable, Equatable {
    public var prompt: String
    public var negativePrompt: String
    /// The full 64-bit seed (stored as its Int64 bit pattern).
    public var seed: UInt64
    /// Generation settings, opaque to the store (the coordinator's JSON).
    public var settings: String
    /// Items with equal keys can share one U-Net batch (same model, size, steps, sampler).
    public var batchKey: String

    public init(
        prompt: String, negativePrompt: String = "", seed: UInt64, settings: String = "{}", batchKey: String
    ) {
        self.prompt = prompt
        self.negativePrompt = negativePrompt
        self.seed = seed
        self.settings = settings
        self.batchKey = batchKey
    }
}

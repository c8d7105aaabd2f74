extension GenerationParameters {
    /// The keys this type reads and writes, in the order written (A1111's order for its own keys;
    /// `Timestep spacing` is ours and goes where A1111 puts extensions' keys, before `Version`).
    public static let knownKeys = [
        "Steps", "Sampler", "Schedule type", "CFG scale", "Seed", "Size", "Model hash", "Model",
        "Clip skip", "RNG", "Timestep spacing", "Version",
    ]

    /// The fields of the parameters line, in the order written; `extra` goes before `Version`.
    public var fields: [Field] {
        var out = [
            Field("Steps", String(steps)),
            Field("Sampler", sampler.a1111Name),
            Field("Schedule type", A1111.scheduleType(schedule, sampler: sampler)),
            Field("CFG scale", Self.format(cfgScale)),
            Field("Seed", String(seed)),
            Field("Size", "\(width)x\(height)"),
        ]
        if let modelHash { out.append(Field("Model hash", modelHash)) }
        if let modelName { out.append(Field("Model", modelName)) }
        if let clipSkip { out.append(Field("Clip skip", String(clipSkip))) }
        out.append(Field("RNG", A1111.rngName(rng)))
        if let timestepSpacing { out.append(Field("Timestep spacing", timestepSpacing.rawValue)) }
        out += extra
        if let version { out.append(Field("Version", version)) }
        return out
    }

    /// The PNG `parameters` text (A1111 infotext).
    public var infotext: String {
        Infotext(prompt: prompt, negativePrompt: negativePrompt, fields: fields).text
    }

    /// A number as Python prints the float A1111 writes, but whole numbers without `.0` (as
    /// A1111's infotexts show them: "CFG scale: 7", "CFG scale: 7.5"). Swift's description is the
    /// shortest text that reads back to the same Double, as Python's repr is.
    static func format(_ value: Double) -> String {
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(describing: value)
    }
}

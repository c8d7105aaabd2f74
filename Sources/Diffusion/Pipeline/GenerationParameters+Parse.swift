extension GenerationParameters {
    /// Reads an A1111-style infotext (ours, A1111's or another tool's that follows it) into the
    /// settings sdfarm can make the image with. Steps, Sampler, CFG scale, Seed and Size are
    /// required; keys this type does not know are kept in `extra` in their order. Throws an
    /// `ImagingError` naming the field when one is missing, malformed, or names a sampler,
    /// schedule or generator sdfarm does not have.
    public static func parse(_ text: String) throws -> GenerationParameters {
        try GenerationParameters(Infotext(parsing: text))
    }

    /// The typed reading of an already split infotext (see `parse(_:)`).
    public init(_ infotext: Infotext) throws {
        guard !infotext.fields.isEmpty else {
            throw ImagingError(
                "infotext", "has no parameters line (a last line of \"key: value, …\" entries)")
        }
        func required(_ key: String) throws -> String {
            guard let value = infotext.value(key) else {
                throw ImagingError("infotext", "has no \"\(key)\" field")
            }
            return value
        }
        func number<T: FixedWidthInteger>(_ key: String, _ text: String, min: T) throws -> T {
            guard let value = T(text), value >= min else {
                throw ImagingError("infotext field \"\(key)\"", "\"\(text)\" is not a whole number ≥ \(min)")
            }
            return value
        }
        let steps: Int = try number("Steps", try required("Steps"), min: 1)
        let (sampler, karrasInName) = try A1111.sampler(try required("Sampler"))
        let schedule = try A1111.schedule(
            infotext.value("Schedule type"), sampler: sampler, karrasInName: karrasInName)
        let cfgText = try required("CFG scale")
        guard let cfg = Double(cfgText), cfg.isFinite else {
            throw ImagingError("infotext field \"CFG scale\"", "\"\(cfgText)\" is not a number")
        }
        let seed: UInt64 = try number("Seed", try required("Seed"), min: 0)
        let sizeText = try required("Size")
        let sides = sizeText.split(separator: "x", omittingEmptySubsequences: false)
        guard sides.count == 2, let width = Int(sides[0]), let height = Int(sides[1]), width > 0, height > 0
        else {
            throw ImagingError("infotext field \"Size\"", "\"\(sizeText)\" is not WIDTHxHEIGHT")
        }
        var spacing: TimestepSpacing?
        if let text = infotext.value("Timestep spacing") {
            guard let value = TimestepSpacing(rawValue: text.lowercased()) else {
                let names = TimestepSpacing.allCases.map(\.rawValue).joined(separator: ", ")
                throw ImagingError(
                    "infotext field \"Timestep spacing\"", "\"\(text)\" is not one of \(names)")
            }
            spacing = value
        }
        let clipSkip: Int? = try infotext.value("Clip skip").map { try number("Clip skip", $0, min: 1) }
        self.init(
            prompt: infotext.prompt, negativePrompt: infotext.negativePrompt, steps: steps, sampler: sampler,
            schedule: schedule, timestepSpacing: spacing, cfgScale: cfg, seed: seed, width: width,
            height: height,
            modelHash: infotext.value("Model hash"), modelName: infotext.value("Model"),
            rng: try A1111.rng(infotext.value("RNG")), clipSkip: clipSkip,
            extra: infotext.fields.filter { !Self.knownKeys.contains($0.key) },
            version: infotext.value("Version"))
    }
}

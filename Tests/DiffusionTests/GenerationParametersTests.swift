import Testing

@testable import Diffusion

/// The text written into PNGs: A1111's infotext, field by field.
@Suite struct GenerationParametersTests {
    static func sample(
        prompt: String = "a cat", negative: String = "blurry", sampler: SamplerKind = .dpmpp2M,
        schedule: SigmaScheduleKind = .karras, cfg: Double = 7, rng: RNGKind = .cpu
    ) -> GenerationParameters {
        GenerationParameters(
            prompt: prompt, negativePrompt: negative, steps: 25, sampler: sampler, schedule: schedule,
            cfgScale: cfg, seed: 42, width: 512, height: 512, modelHash: "abcdef0123", modelName: "sd15",
            rng: rng, version: "sdfarm 0.1.0")
    }

    @Test func theIssueExampleExactly() {
        #expect(
            Self.sample().infotext == """
                a cat
                Negative prompt: blurry
                Steps: 25, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7, Seed: 42, Size: 512x512, \
                Model hash: abcdef0123, Model: sd15, RNG: CPU, Version: sdfarm 0.1.0
                """)
    }

    @Test func noNegativeLineWhenThereIsNone() {
        let text = Self.sample(negative: "").infotext
        #expect(text.hasPrefix("a cat\nSteps: 25, "))
        #expect(!text.contains("Negative prompt"))
        // An empty prompt leaves no empty first line (A1111 strips its text).
        #expect(Self.sample(prompt: "", negative: "").infotext.hasPrefix("Steps: 25, "))
        #expect(
            Self.sample(prompt: "", negative: "ugly").infotext.hasPrefix("Negative prompt: ugly\nSteps: "))
    }

    @Test func samplerNamesAreA1111s() {
        let names = SamplerKind.allCases.map { Self.sample(sampler: $0, schedule: .default).fields[1].value }
        #expect(names == ["DDIM", "PLMS", "Euler", "Euler a", "DPM++ 2M", "LMS", "Heun"])
    }

    @Test func scheduleTypeIsWhatA1111WritesForTheSameSchedule() {
        func type(_ s: SamplerKind, _ k: SigmaScheduleKind) -> String? {
            GenerationParameters.Infotext(parsing: Self.sample(sampler: s, schedule: k).infotext).value(
                "Schedule type")
        }
        // A1111's Automatic is the model's own sigmas for these...
        for s in [SamplerKind.ddim, .pndm, .euler, .eulerAncestral, .lms, .heun] {
            #expect(type(s, .default) == "Automatic")
        }
        // ...but Karras for DPM++ 2M, so our plain DPM++ 2M says Uniform.
        #expect(type(.dpmpp2M, .default) == "Uniform")
        for s in SamplerKind.allCases where s.supportsKarras { #expect(type(s, .karras) == "Karras") }
    }

    @Test func cfgScaleAsA1111WritesIt() {
        let cases: [(Double, String)] = [
            (7, "7"), (7.5, "7.5"), (1, "1"), (0, "0"), (12.25, "12.25"), (3.3, "3.3"), (1e-5, "1e-05"),
        ]
        for (value, text) in cases {
            #expect(Self.sample(cfg: value).infotext.contains("CFG scale: \(text), Seed"), "cfg \(value)")
        }
    }

    @Test func rngIsWrittenByName() {
        #expect(Self.sample(rng: .cpu).infotext.contains(", RNG: CPU, "))
        #expect(Self.sample(rng: .philox).infotext.contains(", RNG: NV, "))
    }

    @Test func optionalFieldsAndTheirPlaces() {
        var p = Self.sample()
        p.modelHash = nil
        p.modelName = nil
        p.version = nil
        #expect(p.infotext.hasSuffix("Size: 512x512, RNG: CPU"))
        p.clipSkip = 2
        p.timestepSpacing = .trailing
        p.extra = [.init("Hires upscale", "2"), .init("Tiling", "Tiling")]
        p.version = "sdfarm 9.9.9"
        #expect(
            p.infotext.hasSuffix(
                "Size: 512x512, Clip skip: 2, RNG: CPU, Timestep spacing: trailing, Hires upscale: 2, Tiling, Version: sdfarm 9.9.9"
            ))
        #expect(
            GenerationParameters(
                prompt: "x", steps: 1, sampler: .euler, cfgScale: 1, seed: 0, width: 8, height: 8
            )
            .version == "sdfarm \(Diffusion.version)")
    }

    @Test func valuesAreQuotedAsJSONWhenA1111QuotesThem() {
        typealias Q = GenerationParameters.Quoting
        // Expected texts are Python's json.dumps(value, ensure_ascii=False).
        #expect(Q.quoteIfNeeded("a, \"b\"\n\tc\u{1}é😀\\ d") == "\"a, \\\"b\\\"\\n\\tc\\u0001é😀\\\\ d\"")
        #expect(Q.quoteIfNeeded("lora: x") == "\"lora: x\"")
        #expect(Q.quoteIfNeeded("\"quoted\"") == "\"\\\"quoted\\\"\"")
        #expect(Q.quote("x\u{7F}\u{2028}y") == "\"x\u{7F}\u{2028}y\"")
        // Left alone: no , : or newline (A1111's rule), a quote inside, non-ASCII.
        for plain in ["v1-5-pruned-emaonly", "sdfarm 0.1.0", "say \"hi\"", "東京", "a/b (c)"] {
            #expect(Q.quoteIfNeeded(plain) == plain)
        }
        // Ours in addition: values that would not read back unchanged.
        for extra in [" lead", "trail ", "cr\rhere"] { #expect(Q.needsQuotes(extra)) }

        var p = Self.sample()
        p.modelName = "my model, v2: final"
        #expect(p.infotext.contains("Model: \"my model, v2: final\", RNG"))
    }

    @Test func unquoteReadsJSONStrings() {
        typealias Q = GenerationParameters.Quoting
        func read(_ s: String) -> String? { Q.unquote(Array(s.unicodeScalars), from: 0)?.text }
        #expect(read("\"a\\u00e9\\ud83d\\ude00\\/\\b\\f\"") == "aé😀/\u{8}\u{C}")
        #expect(read("\"unterminated") == nil)
        #expect(read("\"bad \\x escape\"") == nil)
        #expect(read("\"lone \\udc00\"") == nil)
        #expect(read("\"half pair \\ud83d\"") == nil)
        #expect(Q.unquote(Array("\"ab\", rest".unicodeScalars), from: 0)?.end == 4)
    }

    @Test func keysCannotBreakTheLine() {
        var p = Self.sample()
        p.extra = [.init("odd, key: x", "1")]
        #expect(p.infotext.contains(", odd  key  x: 1, "))
    }
}

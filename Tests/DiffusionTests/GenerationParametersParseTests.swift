import Foundation
import Testing

@testable import Diffusion

/// Reading infotexts back: our own (exact round trips) and A1111-style texts of other tools.
@Suite struct GenerationParametersParseTests {
    typealias P = GenerationParameters

    static func base(_ prompt: String, _ negative: String = "") -> P {
        P(
            prompt: prompt, negativePrompt: negative, steps: 30, sampler: .euler, cfgScale: 7.5, seed: 1234,
            width: 640, height: 448, modelHash: "0123456789", modelName: "sd-v1-5", rng: .cpu)
    }

    static func with(_ p: P, _ change: (inout P) -> Void) -> P {
        var copy = p
        change(&copy)
        return copy
    }

    static let roundTripCases: [P] = [
        base("a cat"),
        base("a cat", "blurry, lowres"),
        base(""),
        base("", "only a negative"),
        base("masterpiece, best quality, (looking at viewer:1.2), [smile]", "(worst quality:1.4), bad hands"),
        base(
            "colons: everywhere: 1:2, Steps: 99, Sampler: fake, Seed: 1", "Seed: 5, CFG scale: 3, Size: 1x1"),
        base("line one\nline two\n\nline four", "neg one\nneg two"),
        base("ends with a newline\n", "starts with one\n"),
        base("\nstarts with a newline", "\nneg starts with one"),
        base("  leading and trailing spaces  ", "  so does this  "),
        base("東京タワー, 夜景, 😀🎨, café, e\u{301}, Ünïcödé", "ぼやけた, 🙈"),
        base("quotes \"inside\" and 'single', back\\slash", "\"starts with a quote\""),
        base("tab\there, windows\r\nline, lone\rcarriage", "ctrl \u{1}\u{7F}"),
        base("a prompt that mentions Negative prompt: in the middle", "x"),
        with(base("all samplers: ddim")) { $0.sampler = .ddim },
        with(base("pndm, leading spacing")) {
            $0.sampler = .pndm; $0.timestepSpacing = .leading
        },
        with(base("euler a, philox")) {
            $0.sampler = .eulerAncestral; $0.rng = .philox
        },
        with(base("dpm++ 2m default schedule")) { $0.sampler = .dpmpp2M },
        with(base("dpm++ 2m karras")) {
            $0.sampler = .dpmpp2M; $0.schedule = .karras
        },
        with(base("lms karras, trailing")) {
            $0.sampler = .lms; $0.schedule = .karras; $0.timestepSpacing = .trailing
        },
        with(base("heun, linspace, clip skip")) {
            $0.sampler = .heun; $0.timestepSpacing = .linspace; $0.clipSkip = 2
        },
        with(base("numbers")) {
            $0.seed = .max; $0.cfgScale = 12.25; $0.steps = 1; $0.width = 8; $0.height = 4096
        },
        with(base("cfg one and zero")) { $0.cfgScale = 1 },
        with(base("tiny cfg")) { $0.cfgScale = 0.000123 },
        with(base("model fields with commas")) {
            $0.modelName = "my model, v2: final"; $0.modelHash = "abc,def"
        },
        with(base("no model, no version")) {
            $0.modelName = nil; $0.modelHash = nil; $0.version = nil
        },
        with(base("empty model name")) { $0.modelName = "" },
        with(base("extra fields", "neg")) {
            $0.extra = [
                .init("Hires upscale", "2"), .init("Lora hashes", "detail: 3a9f, style: 77b1"),
                .init("Tiling", "Tiling"), .init("Note", "multi\nline \"value\""), .init("Empty", ""),
            ]
        },
        with(base("version with comma")) { $0.version = "sdfarm 0.1.0, dev" },
    ]

    @Test(arguments: roundTripCases)
    func roundTrip(_ p: P) throws {
        let text = p.infotext
        let back = try P.parse(text)
        #expect(back == p, "infotext:\n\(text)")
        // The layout alone round-trips too.
        #expect(P.Infotext(parsing: text).text == text)
    }

    @Test func thereAreEnoughRoundTripCases() { #expect(Self.roundTripCases.count >= 20) }

    /// An A1111 1.6-era text (written for this test): the schedule in the sampler's name, no RNG
    /// (A1111's GPU default), Clip skip, and a pile of extension keys, one of them quoted.
    @Test func olderA1111Text() throws {
        let text = """
            masterpiece, best quality, 1girl, (looking at viewer:1.2), [smile], standing in a field of flowers
            Negative prompt: (worst quality, low quality:1.4), lowres, bad anatomy, watermark
            Steps: 28, Sampler: DPM++ 2M Karras, CFG scale: 7.5, Seed: 1234567890, Size: 512x768, Model hash: 6ce0161689, \
            Model: v1-5-pruned-emaonly, Denoising strength: 0.45, Clip skip: 2, ENSD: 31337, Hires upscale: 2, \
            Hires steps: 15, Hires upscaler: Latent, Lora hashes: "detail_tweaker: 3a9f9d1c2b5e", Version: v1.6.0
            """
        let p = try P.parse(text)
        #expect(
            p.prompt
                == "masterpiece, best quality, 1girl, (looking at viewer:1.2), [smile], standing in a field of flowers"
        )
        #expect(p.negativePrompt == "(worst quality, low quality:1.4), lowres, bad anatomy, watermark")
        #expect(p.steps == 28 && p.sampler == .dpmpp2M && p.schedule == .karras && p.cfgScale == 7.5)
        #expect(p.seed == 1_234_567_890 && p.width == 512 && p.height == 768)
        #expect(p.modelHash == "6ce0161689" && p.modelName == "v1-5-pruned-emaonly")
        #expect(p.rng == .philox && p.clipSkip == 2 && p.version == "v1.6.0" && p.timestepSpacing == nil)
        #expect(
            p.extra.map(\.key) == [
                "Denoising strength", "ENSD", "Hires upscale", "Hires steps", "Hires upscaler", "Lora hashes",
            ])
        #expect(p.extra.last?.value == "detail_tweaker: 3a9f9d1c2b5e")
    }

    /// A1111 1.9+ texts (written for this test).
    @Test func currentA1111Texts() throws {
        let euler = try P.parse(
            """
            a watercolor painting of a lighthouse at dusk
            Steps: 20, Sampler: Euler a, Schedule type: Automatic, CFG scale: 7, Seed: 3141592653, Size: 768x512, \
            Model hash: e1441589a6, Model: sd-v1-5, RNG: CPU, Version: v1.10.1
            """)
        #expect(euler.sampler == .eulerAncestral && euler.schedule == .default && euler.rng == .cpu)
        #expect(euler.negativePrompt == "" && euler.extra.isEmpty && euler.cfgScale == 7)

        // Automatic for DPM++ 2M means Karras in A1111; an explicit Uniform does not.
        let auto = try P.parse(
            "p\nSteps: 20, Sampler: DPM++ 2M, Schedule type: Automatic, CFG scale: 7, Seed: 1, Size: 512x512")
        #expect(auto.schedule == .karras)
        let uniform = try P.parse(
            "p\nSteps: 20, Sampler: DPM++ 2M, Schedule type: Uniform, CFG scale: 7, Seed: 1, Size: 512x512")
        #expect(uniform.schedule == .default)
        let lowercase = try P.parse(
            "p\nSteps: 20, Sampler: Euler, Schedule type: karras, CFG scale: 7, Seed: 1, Size: 512x512")
        #expect(lowercase.schedule == .karras)

        // Multi-line prompt and negative, DDIM, a bare flag.
        let ddim = try P.parse(
            """
            portrait of an old fisherman,
            weathered face, oil painting
            Negative prompt: cartoon,
            3d render
            Steps: 50, Sampler: DDIM, Schedule type: Automatic, CFG scale: 9, Seed: 7, Size: 512x512, \
            Model hash: 81761151, Model: sd-v1-4, RNG: NV, Tiling, Version: v1.9.3
            """)
        #expect(ddim.prompt == "portrait of an old fisherman,\nweathered face, oil painting")
        #expect(ddim.negativePrompt == "cartoon,\n3d render")
        #expect(ddim.sampler == .ddim && ddim.rng == .philox && ddim.modelHash == "81761151")
        #expect(ddim.extra == [.init("Tiling", "Tiling")])
    }

    /// Other tools' keys (an ADetailer-style extension, Forge-style), CRLF line ends, odd spacing.
    @Test func otherToolsTexts() throws {
        let text =
            "close-up photo of a fox, snow\r\nNegative prompt: \r\nSteps: 25 , Sampler: k_euler_a,CFG scale: 6.5, "
            + "Seed: 99, Size: 512x640, ADetailer model: face_yolov8n.pt, ADetailer prompt: \"smiling, blue eyes\", "
            + "Hires upscale: 1.5, Hires upscaler: R-ESRGAN 4x+, Version: f2.0.1v1.10.1-previous-519\r\n"
        let p = try P.parse(text)
        #expect(p.prompt == "close-up photo of a fox, snow")
        #expect(p.negativePrompt == "")
        #expect(p.steps == 25 && p.sampler == .eulerAncestral && p.cfgScale == 6.5)
        #expect(
            p.extra == [
                .init("ADetailer model", "face_yolov8n.pt"), .init("ADetailer prompt", "smiling, blue eyes"),
                .init("Hires upscale", "1.5"), .init("Hires upscaler", "R-ESRGAN 4x+"),
            ])
        #expect(p.version == "f2.0.1v1.10.1-previous-519")
        // A malformed quoted value is read as plain text up to the next comma.
        let raw = P.Infotext(parsing: "x\nA: 1, B: \"open, C: 3, D: 4")
        #expect(raw.fields == [.init("A", "1"), .init("B", "\"open"), .init("C", "3"), .init("D", "4")])
    }

    @Test func aLastLineWithFewerThanThreeEntriesIsPrompt() {
        let raw = P.Infotext(parsing: "just a prompt, with: one colon")
        #expect(raw.fields.isEmpty && raw.prompt == "just a prompt, with: one colon")
        #expect { try P.parse("just a prompt") } throws: { "\($0)".contains("no parameters line") }
    }

    @Test func clearErrorsNameTheField() {
        func error(_ params: String) -> String {
            do {
                _ = try P.parse("p\n" + params)
                return "no error"
            } catch { return "\(error)" }
        }
        let good = "Steps: 20, Sampler: Euler, CFG scale: 7, Seed: 1, Size: 512x512"
        #expect(error(good) == "no error")
        #expect(
            error("Sampler: Euler, CFG scale: 7, Seed: 1, Size: 512x512").contains("has no \"Steps\" field"))
        #expect(error(good.replacingOccurrences(of: "Steps: 20", with: "Steps: many")).contains("\"Steps\""))
        #expect(error(good.replacingOccurrences(of: "Steps: 20", with: "Steps: 0")).contains("\"Steps\""))
        #expect(
            error(good.replacingOccurrences(of: "Euler", with: "UniPC")).contains(
                "\"UniPC\" is not a sampler sdfarm has"))
        #expect(error(good.replacingOccurrences(of: "Euler", with: "DDIM Karras")).contains("\"Sampler\""))
        #expect(error(good + ", Schedule type: Exponential").contains("\"Exponential\" is not a schedule"))
        #expect(
            error(good.replacingOccurrences(of: "CFG scale: 7", with: "CFG scale: high")).contains(
                "\"CFG scale\""))
        #expect(error(good.replacingOccurrences(of: "Seed: 1", with: "Seed: -1")).contains("\"Seed\""))
        #expect(error(good.replacingOccurrences(of: "512x512", with: "512")).contains("\"Size\""))
        #expect(error(good.replacingOccurrences(of: "512x512", with: "0x512")).contains("\"Size\""))
        #expect(error(good + ", RNG: Mersenne").contains("\"RNG\""))
        #expect(error(good + ", Timestep spacing: sideways").contains("\"Timestep spacing\""))
        #expect(error(good + ", Clip skip: 0").contains("\"Clip skip\""))
    }

    @Test func duplicateKeysLastWinsAsInA1111() throws {
        let p = try P.parse("p\nSteps: 20, Sampler: Euler, CFG scale: 7, Seed: 1, Seed: 2, Size: 512x512")
        #expect(p.seed == 2)
    }
}

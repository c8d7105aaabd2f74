import Diffusion
import FarmProtocol
import Foundation
import Testing

@testable import FarmCLI
@testable import FarmTesting

/// Issue 13 item 9: one validation of render settings (`RenderSettingsValidation`), shared by
/// `generate`, `submit` (flags and prompt-file lines) and the coordinator.
@Suite("CLI: one validation of render settings")
struct CLIRenderSettingsValidationTests {
    @Test func limitsAndNamesAreTheEngines() {
        #expect(RenderSettingsValidation.sides.upperBound == GenerationLimits.maxSide)
        #expect(RenderSettingsValidation.steps.upperBound == GenerationLimits.maxSteps)
        #expect(RenderSettingsValidation.sizeMultiple == GenerationLimits.sizeMultiple)
        #expect(RenderSettingsValidation.samplers.sorted() == SamplerKind.allCases.map(\.rawValue).sorted())
        #expect(
            RenderSettingsValidation.schedules.sorted() == SigmaScheduleKind.allCases.map(\.rawValue).sorted()
        )
        #expect(RenderSettingsValidation.rngs.sorted() == RNGKind.allCases.map(\.rawValue).sorted())
        #expect(
            RenderSettingsValidation.timestepSpacings.sorted()
                == TimestepSpacing.allCases.map(\.rawValue).sorted())
    }

    static func message(_ body: () throws(RenderSettingsError) -> Void) -> String? {
        do {
            try body()
            return nil
        } catch {
            return error.flagDescription
        }
    }

    @Test func eachBadSettingIsNamedWithWhatItMustBe() {
        func check(
            model: String? = "m", width: Int? = 64, height: Int? = 64, steps: Int = 20, cfg: Double = 7,
            sampler: String = "euler",
            schedule: String? = "karras", rng: String = "cpu", timestepSpacing: String? = nil
        ) -> String? {
            Self.message { () throws(RenderSettingsError) in
                try RenderSettingsValidation.check(
                    model: model, width: width, height: height, steps: steps, cfg: cfg, sampler: sampler,
                    schedule: schedule, rng: rng, timestepSpacing: timestepSpacing)
            }
        }
        #expect(check() == nil)
        #expect(check(model: nil, width: nil, height: nil, schedule: nil) == nil)
        #expect(check(width: -8) == "--width must be a multiple of 8 from 8 to 4096, not -8")
        #expect(check(height: 36) == "--height must be a multiple of 8 from 8 to 4096, not 36")
        #expect(check(width: 8192) == "--width must be a multiple of 8 from 8 to 4096, not 8192")
        #expect(check(steps: 0) == "--steps must be from 1 to 1000, not 0")
        #expect(check(cfg: -1) == "--cfg must be a number from 0 to 50, not -1.0")
        #expect(check(cfg: .nan) == "--cfg must be a number from 0 to 50, not nan")
        #expect(check(model: "") == "--model must be a model name, not \"\"")
        #expect(check(model: "  ") == "--model must be a model name, not \"  \"")
        #expect(check(sampler: "dpm++")?.hasPrefix("--sampler must be one of ddim, pndm") == true)
        #expect(
            check(schedule: "exponential") == "--schedule must be one of default, karras, not \"exponential\""
        )
        #expect(check(rng: "gpu") == "--rng must be one of cpu, philox, not \"gpu\"")
        #expect(
            check(timestepSpacing: "middle")
                == "--timestep-spacing must be one of leading, linspace, trailing, not \"middle\"")
    }

    @Test func seedRangeIncludesTheLastSeedAndPriorityFitsTheWire() {
        #expect(
            Self.message { () throws(RenderSettingsError) in
                try RenderSettingsValidation.checkSeeds(first: .max - 2, count: 3)
            } == nil)
        #expect(
            Self.message { () throws(RenderSettingsError) in
                try RenderSettingsValidation.checkSeeds(first: .max, count: 3)
            }
                == "--seed must be at most 18446744073709551613 with 3 images (the last seed would pass 2^64-1), not 18446744073709551615"
        )
        #expect(
            Self.message { () throws(RenderSettingsError) in
                try RenderSettingsValidation.checkSeeds(first: 0, count: 0)
            }
                == "--seeds must be from 1 to 10000, not 0")
        #expect(
            Self.message { () throws(RenderSettingsError) in
                try RenderSettingsValidation.checkPriority(Int(Int32.max))
            } == nil)
        #expect(
            Self.message { () throws(RenderSettingsError) in
                try RenderSettingsValidation.checkPriority(99_999_999_999)
            }
                == "--priority must be from -2147483648 to 2147483647, not 99999999999")
    }

    @Test func aPromptLineWhoseSeedsWouldWrapIsRefused() throws {
        var expander = ItemExpander(defaults: GenerationDefaults(model: "tiny"), jobBaseSeed: 5)
        var record = PromptRecord(line: 2, prompt: "b")
        record.seed = UInt64.max
        record.seeds = 3
        #expect(throws: FieldError.self) { _ = try expander.expand(record) }
        record.seeds = 1
        #expect(try expander.expand(record).map(\.seed) == [UInt64.max])
        let empty = ItemExpander(defaults: GenerationDefaults(model: ""), jobBaseSeed: 5)
        var copy = empty
        #expect(throws: FieldError.self) { _ = try copy.expand(PromptRecord(line: 1, prompt: "x")) }
    }

    @Test func aNegativeSeedInJSONLIsOutOfRangeNotBadJSON() throws {
        let path = try CLISubmitFileTests.file(
            "jsonl", #"{"prompt": "cat", "seed": -1}"# + "\n" + #"{"prompt": "dog", "seed": 1.5}"# + "\n")
        defer { unlink(path) }
        var reader = try PromptFileReader(path: path)
        var messages: [String] = []
        for _ in 0..<2 {
            do { _ = try reader.next() } catch let e as SubmitFileError { messages.append(e.description) }
        }
        #expect(
            messages == [
                "\(path):1: seed must be a whole number from 0 to 2^64-1, not -1",
                "\(path):2: seed must be a whole number from 0 to 2^64-1, not 1.5",
            ])
    }

    /// The real executable: each bad flag gets a line saying what is wrong, before any file is
    /// read or coordinator reached (the token file does not exist).
    @Test func submitFlagsAreCheckedWithClearMessages() async throws {
        let dir = NSTemporaryDirectory() + "sdfarm-flags-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let prompts = "\(dir)/p.txt"
        try Data("a cat\n".utf8).write(to: URL(fileURLWithPath: prompts))
        let cases: [([String], String)] = [
            (["--width", "-8"], "--width must be a multiple of 8 from 8 to 4096, not -8"),
            (
                ["--seed", "-1"],
                "The value '-1' is invalid for '--seed <seed>': a seed is a whole number from 0 to 2^64-1"
            ),
            (["--cfg", "-1"], "--cfg must be a number from 0 to 50, not -1.0"),
            (
                ["--priority", "99999999999"],
                "--priority must be from -2147483648 to 2147483647, not 99999999999"
            ),
            (["--seed", "18446744073709551615", "--seeds", "3"], "the last seed would pass 2^64-1"),
            (["--model", ""], "--model must be a model name"),
        ]
        for (index, (arguments, expected)) in cases.enumerated() {
            var all = ["submit", prompts, "--coordinator", "127.0.0.1:1", "--token-file", "\(dir)/no-token"]
            if !arguments.contains("--model") { all += ["--model", "m"] }
            all += arguments
            let (status, output) = try await SdfarmProcess.run("submit-\(index)", all, logDirectory: dir)
            #expect(status != 0, "\(arguments) was accepted")
            let first = output.split(separator: "\n").first.map(String.init) ?? ""
            #expect(first.contains(expected), "\(arguments): \(output)")
        }
    }

    @Test func generateRefusesANegativeCfgLikeSubmit() async throws {
        let dir = NSTemporaryDirectory() + "sdfarm-gencfg-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (index, arguments) in [
            ["--cfg=-1"], ["--cfg", "-1"], ["--seed", "18446744073709551615", "--batch", "2"],
        ].enumerated() {
            let (status, output) = try await SdfarmProcess.run(
                "generate-\(index)",
                [
                    "generate", "--model", CLIGenerateTests.model, "--prompt", "x", "--steps", "1",
                    "--output", "\(dir)/x.png", "--quiet",
                ] + arguments,
                logDirectory: dir)
            #expect(status != 0, "\(arguments) was accepted: \(output)")
            #expect(
                output.contains("--cfg must be a number from 0 to 50")
                    || output.contains("the last seed would pass 2^64-1"), "\(arguments): \(output)")
        }
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/x.png"))
    }
}

import Foundation
import Testing

@testable import FarmCLI
@testable import FarmTesting

@Suite("CLI: prompt files and item numbering")
struct CLISubmitFileTests {
    static func file(_ ext: String, _ text: String) throws -> String {
        let path = NSTemporaryDirectory() + "sdfarm-prompts-\(UUID().uuidString).\(ext)"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func readAll(_ path: String) throws -> [PromptRecord] {
        var reader = try PromptFileReader(path: path)
        var out: [PromptRecord] = []
        while let r = try reader.next() { out.append(r) }
        return out
    }

    @Test func textFileOnePromptPerLineBlankLinesSkipped() throws {
        let path = try Self.file("txt", "a red circle\r\n\n  \na blue square")
        defer { unlink(path) }
        let records = try Self.readAll(path)
        #expect(records.map(\.prompt) == ["a red circle", "a blue square"])
        #expect(records.map(\.line) == [1, 4])
    }

    @Test func jsonlFieldsAndErrorsWithLineNumbers() throws {
        let path = try Self.file(
            "jsonl",
            """
            {"prompt": "cat", "seed": 18446744073709551615, "seeds": 2, "width": 640, "negative": "blur"}
            {"prompt": "dog", "steps": "many"}
            {"prompt": "owl", "colour": "red"}
            [1, 2]
            {"prompt": "fox"}
            """)
        defer { unlink(path) }
        var reader = try PromptFileReader(path: path)
        let cat = try #require(try reader.next())
        #expect(cat.seed == UInt64.max)
        #expect(cat.seeds == 2)
        #expect(cat.width == 640)
        #expect(cat.negative == "blur")
        var messages: [String] = []
        for _ in 0..<3 {
            do {
                _ = try reader.next()
                Issue.record("expected an error")
            } catch let e as SubmitFileError {
                messages.append(e.description)
            }
        }
        #expect(messages[0] == "\(path):2: steps has the wrong type")
        #expect(messages[1].hasPrefix("\(path):3: unknown field \"colour\""))
        #expect(messages[2] == "\(path):4: not a JSON object")
        // Reading goes on after a bad line (for --skip-bad).
        #expect(try reader.next()?.prompt == "fox")
        #expect(try reader.next() == nil)
    }

    @Test func csvWithQuotesCommasAndNewlines() throws {
        let path = try Self.file(
            "csv",
            """
            prompt,seed,cfg
            "a cat, sitting",7,
            "a ""quoted"" dog
            on two lines",8,3.5
            plain,,
            bad,x,1
            """)
        defer { unlink(path) }
        var reader = try PromptFileReader(path: path)
        let first = try #require(try reader.next())
        #expect(first.prompt == "a cat, sitting")
        #expect(first.seed == 7)
        #expect(first.cfg == nil)
        let second = try #require(try reader.next())
        #expect(second.prompt == "a \"quoted\" dog\non two lines")
        #expect(second.line == 3)
        #expect(second.cfg == 3.5)
        #expect(try reader.next()?.line == 5)
        #expect(throws: SubmitFileError.self) { _ = try reader.next() }
    }

    @Test func csvHeaderMustNamePromptAndKnownColumns() throws {
        let noPrompt = try Self.file("csv", "seed\n1\n")
        let unknown = try Self.file("csv", "prompt,size\nx,1\n")
        defer { unlink(noPrompt); unlink(unknown) }
        #expect(throws: SubmitFileError.self) { _ = try Self.readAll(noPrompt) }
        #expect(throws: SubmitFileError.self) { _ = try Self.readAll(unknown) }
    }

    @Test func unknownExtensionAndMissingFile() {
        #expect(throws: SubmitFileError.self) { _ = try PromptFileReader(path: "/tmp/prompts.docx") }
        #expect(throws: SubmitFileError.self) { _ = try PromptFileReader(path: "/nonexistent/p.txt") }
    }

    @Test func longFilesAreStreamedAcrossChunkBoundaries() throws {
        // 20 000 lines of ~60 bytes: more than one 1 MiB chunk.
        let text = (0..<20_000).map { "prompt number \($0) with some padding to make it longer" }.joined(
            separator: "\n")
        let path = try Self.file("txt", text)
        defer { unlink(path) }
        var reader = try PromptFileReader(path: path)
        var count = 0
        while let r = try reader.next() {
            #expect(r.prompt == "prompt number \(count) with some padding to make it longer")
            count += 1
        }
        #expect(count == 20_000)
    }

    @Test func itemsAreNumberedLineByLineThenSeedBySeed() throws {
        var expander = ItemExpander(
            defaults: GenerationDefaults(model: "tiny", seeds: 2, seed: 100), jobBaseSeed: 5)
        let a = try expander.expand(PromptRecord(line: 1, prompt: "a"))
        var bRecord = PromptRecord(line: 2, prompt: "b")
        bRecord.seed = UInt64.max - 2
        bRecord.seeds = 3
        let b = try expander.expand(bRecord)
        #expect(a.map(\.index) == [0, 1])
        #expect(a.map(\.seed) == [100, 101])
        #expect(b.map(\.index) == [2, 3, 4])
        // Seeds never wrap past 2^64-1 (CLIRenderSettingsValidationTests).
        #expect(b.map(\.seed) == [UInt64.max - 2, UInt64.max - 1, UInt64.max])
        // Without --seed, the job's random base.
        var random = ItemExpander(defaults: GenerationDefaults(model: "tiny"), jobBaseSeed: 42)
        #expect(try random.expand(PromptRecord(line: 1, prompt: "x")).map(\.seed) == [42])
    }

    @Test func limitsAreCheckedAndABadRecordUsesNoNumbers() throws {
        var expander = ItemExpander(defaults: GenerationDefaults(model: "tiny"), jobBaseSeed: 0)
        var bad = PromptRecord(line: 1, prompt: "x")
        bad.width = 500
        #expect(throws: FieldError.self) { _ = try expander.expand(bad) }
        bad.width = 512
        bad.steps = 0
        #expect(throws: FieldError.self) { _ = try expander.expand(bad) }
        bad.steps = 20
        bad.sampler = "euler; rm -rf"
        #expect(throws: FieldError.self) { _ = try expander.expand(bad) }
        // Only the engine's own sampler and schedule names: a farm must not accept items that
        // every worker would refuse.
        bad.sampler = "dpm++2m"
        #expect(throws: FieldError.self) { _ = try expander.expand(bad) }
        bad.sampler = "euler_a"
        bad.schedule = "exponential"
        #expect(throws: FieldError.self) { _ = try expander.expand(bad) }
        #expect(expander.nextIndex == 0)
        bad.schedule = "karras"
        bad.width = 40
        #expect(try expander.expand(bad).map(\.index) == [0])
    }
}

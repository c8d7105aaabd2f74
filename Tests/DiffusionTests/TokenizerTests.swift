import Foundation
import Testing

@testable import Diffusion

@Suite struct TokenizerTests {
    @Test func bundledVocabularyIsCLIPs() throws {
        let tokenizer = try TokenizerFixture.bundled.get()
        #expect(tokenizer.vocabulary.count == 49_408)
        #expect(tokenizer.vocabulary.tokens[49_406] == "<|startoftext|>")
        #expect(tokenizer.vocabulary.tokens[49_407] == "<|endoftext|>")
        #expect(tokenizer.vocabulary.tokens[0] == "!")
        #expect(tokenizer.vocabulary.tokens[256] == "!</w>")
        #expect(tokenizer.vocabulary.tokens[512] == "in")  // the first merge, "i n"
        #expect(tokenizer.vocabulary.id(of: "cat</w>") == 2368)
    }

    @Test func idsEqualTransformersOnEveryFixturePrompt() throws {
        let fixture = try TokenizerFixture.load("clip-ids.json")
        let tokenizer = try TokenizerFixture.bundled.get()
        #expect(fixture.vocab_size == tokenizer.vocabulary.count)
        #expect(fixture.cases.count >= 200)
        var full: [(String, [Int], [Int])] = []
        var padded: [(String, [Int], [Int])] = []
        for item in fixture.cases {
            let ids = tokenizer.encode(item.prompt)
            if ids != item.ids { full.append((item.prompt, item.ids, ids)) }
            let input = tokenizer.inputIDs(item.prompt)
            if let expected = item.input_ids, input != expected {
                padded.append((item.prompt, expected, input))
            }
        }
        print(
            "tokenizer: \(fixture.cases.count) prompts, \(full.count) differ (full), \(padded.count) differ (77 positions)"
        )
        #expect(full.isEmpty, "\(full.count) prompts differ:\n\(describeMismatches(full))")
        #expect(padded.isEmpty, "\(padded.count) padded prompts differ:\n\(describeMismatches(padded))")
    }

    @Test func folderVocabularyEqualsTransformers() throws {
        let fixture = try TokenizerFixture.load("tiny-ids.json")
        let tokenizer = try CLIPTokenizer.forModel(at: TokenizerFixture.folder.appendingPathComponent("tiny"))
        #expect(tokenizer.vocabulary.count == fixture.vocab_size)
        #expect(tokenizer.bosID == 2_512 && tokenizer.eosID == 2_513 && tokenizer.padID == 2_513)
        var mismatches: [(String, [Int], [Int])] = []
        for item in fixture.cases where tokenizer.encode(item.prompt) != item.ids {
            mismatches.append((item.prompt, item.ids, tokenizer.encode(item.prompt)))
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) prompts differ:\n\(describeMismatches(mismatches))")
    }

    @Test func modelFolderWithTokenizerSubfolderIsRead() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("sdfarm-tok-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: TokenizerFixture.folder.appendingPathComponent("tiny"),
            to: root.appendingPathComponent("tokenizer"))
        #expect(try CLIPTokenizer.forModel(at: root).vocabulary.count == 2_514)
        // A single-file checkpoint (no tokenizer folder) uses the bundled vocabulary.
        #expect(
            try CLIPTokenizer.forModel(at: root.appendingPathComponent("model.safetensors")).vocabulary.count
                == 49_408)
    }

    @Test func longPromptsAreCutToSeventySevenPositions() throws {
        let tokenizer = try TokenizerFixture.bundled.get()
        let ids = tokenizer.inputIDs(String(repeating: "cat ", count: 100))
        #expect(ids.count == 77)
        #expect(ids.first == 49_406 && ids.last == 49_407)
        #expect(ids[1..<76].allSatisfy { $0 == 2368 })
        let short = tokenizer.inputIDs("a cat")
        #expect(short == [49_406, 320, 2368, 49_407] + Array(repeating: 49_407, count: 73))
    }

    @Test func decodeGivesTheTextBack() throws {
        let tokenizer = try TokenizerFixture.bundled.get()
        #expect(tokenizer.decode(tokenizer.contentIDs("A café, 東京 😀!")) == "a café , 東京 😀!")
    }
}

import Foundation
import Testing

@testable import Diffusion

@Suite struct TokenizerErrorTests {
    private func temporary(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("sdfarm-\(UUID())-\(name)")
    }

    @Test func notGzipIsRefused() throws {
        let file = temporary("vocab.txt.gz")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data("#version: 0.2\ni n\n".utf8).write(to: file)
        #expect { try BPEVocabulary.clip(gzipFile: file) } throws: { "\($0)".contains("not a gzip file") }
    }

    @Test func truncatedGzipIsRefused() throws {
        let bundled = try BundledResources.clipVocabulary()
        let data = try Data(contentsOf: bundled)
        let file = temporary("cut.txt.gz")
        defer { try? FileManager.default.removeItem(at: file) }
        try data.prefix(data.count / 3).write(to: file)
        #expect { try BPEVocabulary.clip(gzipFile: file) } throws: { "\($0)".contains("truncated") }
    }

    @Test func mergeOfUnknownTokensIsRefused() throws {
        let folder = temporary("tok")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(#"{"a": 0, "b</w>": 1, "<|startoftext|>": 2, "<|endoftext|>": 3}"#.utf8)
            .write(to: folder.appendingPathComponent("vocab.json"))
        try Data("#version: 0.2\na b</w>\n".utf8).write(to: folder.appendingPathComponent("merges.txt"))
        #expect { try CLIPTokenizer.huggingFace(folder: folder) } throws: { error in
            "\(error)".contains("merges.txt") && "\(error)".contains("missing from the vocabulary")
        }
        try Data("#version: 0.2\nab\n".utf8).write(to: folder.appendingPathComponent("merges.txt"))
        #expect { try CLIPTokenizer.huggingFace(folder: folder) } throws: { "\($0)".contains("line 2") }
        try Data("[1, 2]".utf8).write(to: folder.appendingPathComponent("vocab.json"))
        #expect { try CLIPTokenizer.huggingFace(folder: folder) } throws: { "\($0)".contains("vocab.json") }
    }
}

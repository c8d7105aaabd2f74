import Foundation

extension BPEVocabulary {
    /// Number of merges CLIP takes from bpe_simple_vocab_16e6.txt: 49152 − 256 − 2.
    public static let clipMergeCount = 48_894

    /// The vocabulary exactly as CLIP builds it from its merges file (gzip): the 256 byte
    /// characters, the same with `</w>`, one token per merge, then `<|startoftext|>` and
    /// `<|endoftext|>` (49 408 tokens for the standard file).
    public static func clip(gzipFile url: URL, mergeCount: Int = clipMergeCount) throws -> BPEVocabulary {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw TokenizerError(file: url.path, "cannot read: \(error.localizedDescription)")
        }
        let bytes = try Gunzip.decompress(data, file: url.path)
        let lines = String(decoding: bytes, as: UTF8.self).split(
            separator: "\n", omittingEmptySubsequences: false)
        guard lines.count > mergeCount else {
            throw TokenizerError(file: url.path, "has \(lines.count - 1) merges, CLIP needs \(mergeCount)")
        }
        let pairs = try lines[1...mergeCount].enumerated().map { index, line in
            try parseMerge(line, line: index + 2, file: url.path)
        }
        var tokens = ByteUnicode.orderedBytes.map { String(ByteUnicode.scalar[Int($0)]) }
        tokens += tokens.map { $0 + "</w>" }
        tokens += pairs.map { $0.0 + $0.1 }
        tokens += ["<|startoftext|>", "<|endoftext|>"]
        return try BPEVocabulary(tokens: tokens, merges: pairs, file: url.path)
    }

    /// The vocabulary of a diffusers/transformers `tokenizer/` folder: vocab.json (token → id)
    /// and merges.txt (a `#version` line, then one `left right` pair a line, by rank).
    public static func huggingFace(vocabJSON: URL, mergesTXT: URL) throws -> BPEVocabulary {
        let table: [String: Int]
        do {
            table = try JSONDecoder().decode([String: Int].self, from: Data(contentsOf: vocabJSON))
        } catch {
            throw TokenizerError(file: vocabJSON.path, "not a JSON object of token → id: \(error)")
        }
        let size = (table.values.max() ?? -1) + 1
        guard table.values.allSatisfy({ $0 >= 0 }), size <= 1 << 24 else {
            throw TokenizerError(file: vocabJSON.path, "ids must lie in 0..<16777216")
        }
        var tokens = [String](repeating: "", count: size)
        var ids: [TokenKey: Int32] = [:]
        for (token, id) in table {
            tokens[id] = token
            ids[TokenKey(token)] = Int32(id)
        }
        let text: String
        do { text = try String(contentsOf: mergesTXT, encoding: .utf8) } catch {
            throw TokenizerError(file: mergesTXT.path, "cannot read as UTF-8: \(error.localizedDescription)")
        }
        var pairs: [(String, String)] = []
        let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        for (index, line) in lines.enumerated() {
            if line.hasPrefix("#version") || line.isEmpty { continue }
            pairs.append(try parseMerge(line, line: index + 1, file: mergesTXT.path))
        }
        return try BPEVocabulary(tokens: tokens, ids: ids, merges: pairs, file: mergesTXT.path)
    }

    private static func parseMerge(_ line: Substring, line number: Int, file: String) throws -> (
        String, String
    ) {
        let parts = line.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw TokenizerError(file: file, "line \(number) is not a merge `left right`: \(line.prefix(60))")
        }
        return (String(parts[0]), String(parts[1]))
    }
}

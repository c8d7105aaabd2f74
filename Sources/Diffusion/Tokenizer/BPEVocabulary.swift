// Follows openai/CLIP clip/simple_tokenizer.py (vocabulary built from the merges) and the
// `tokenizers` BPE model that transformers' CLIPTokenizer loads from vocab.json + merges.txt.
import Foundation

/// A byte-level BPE vocabulary: token strings by id and the ranked merges between ids.
public struct BPEVocabulary: Sendable {
    /// One ranked merge: the pair at `rank` becomes token `result`.
    struct Merge: Sendable {
        let rank: Int32
        let result: Int32
    }

    /// tokens[id] is the token's text (byte-level characters, `</w>` closing a word).
    public let tokens: [String]
    let ids: [TokenKey: Int32]
    let merges: [UInt64: Merge]
    /// Ids of the 256 byte characters, and of the same characters closing a word (`x</w>`).
    let byteIDs: [Int32]
    let byteEndIDs: [Int32]

    public var count: Int { tokens.count }

    /// The id of a token text, if the vocabulary has it.
    public func id(of token: String) -> Int? { ids[TokenKey(token)].map(Int.init) }

    /// Builds the vocabulary from id-ordered token texts and merge pairs (as token texts).
    init(tokens: [String], merges pairs: [(String, String)], file: String) throws {
        var ids: [TokenKey: Int32] = [:]
        ids.reserveCapacity(tokens.count)
        for (id, token) in tokens.enumerated() where ids[TokenKey(token)] == nil {
            ids[TokenKey(token)] = Int32(id)
        }
        try self.init(tokens: tokens, ids: ids, merges: pairs, file: file)
    }

    init(tokens: [String], ids: [TokenKey: Int32], merges pairs: [(String, String)], file: String) throws {
        var merges: [UInt64: Merge] = [:]
        merges.reserveCapacity(pairs.count)
        for (rank, (a, b)) in pairs.enumerated() {
            guard let left = ids[TokenKey(a)], let right = ids[TokenKey(b)] else {
                throw TokenizerError(
                    file: file, "merge \(rank + 1) (\(a) \(b)) uses a token missing from the vocabulary")
            }
            guard let result = ids[TokenKey(a + b)] else {
                throw TokenizerError(
                    file: file, "merge \(rank + 1) (\(a) \(b)) makes a token missing from the vocabulary")
            }
            let key = Self.pairKey(left, right)
            if merges[key] == nil { merges[key] = Merge(rank: Int32(rank), result: result) }
        }
        var byteIDs = [Int32](repeating: -1, count: 256)
        var byteEndIDs = [Int32](repeating: -1, count: 256)
        for b in 0..<256 {
            let character = String(ByteUnicode.scalar[b])
            byteIDs[b] = ids[TokenKey(character)] ?? -1
            byteEndIDs[b] = ids[TokenKey(character + "</w>")] ?? -1
        }
        self.tokens = tokens
        self.ids = ids
        self.merges = merges
        self.byteIDs = byteIDs
        self.byteEndIDs = byteEndIDs
    }

    static func pairKey(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }
}

/// A token's exact scalars: Swift's String equality is canonical equivalence, BPE's is not.
struct TokenKey: Hashable, Sendable {
    let utf8: [UInt8]
    init(_ text: String) { utf8 = Array(text.utf8) }
}

// Follows transformers' CLIPTokenizer (models/clip/tokenization_clip.py, transformers 5.23, the
// `tokenizers`-backed class that diffusers loads for SD 1.x) and its added-token handling.
import Synchronization

/// CLIP's byte-level BPE tokenizer, giving the ids transformers gives for SD 1.x prompts.
public final class CLIPTokenizer: Sendable {
    /// A special token's literal text. `normalized` ones are found in the normalized (NFC,
    /// lower-cased) text, the others in the raw prompt only, exactly as written.
    public struct SpecialToken: Sendable {
        public let text: String
        public let id: Int
        public let normalized: Bool
        let scalars: [Unicode.Scalar]

        public init(text: String, id: Int, normalized: Bool) {
            self.text = text
            self.id = id
            self.normalized = normalized
            scalars = Array(text.unicodeScalars)
        }
    }

    public let vocabulary: BPEVocabulary
    public let bosID: Int
    public let eosID: Int
    public let padID: Int
    /// Positions the text encoder takes, BOS and EOS included (77 for CLIP).
    public let maxLength: Int
    public let specialTokens: [SpecialToken]
    private let cache = Mutex<[TokenKey: [Int32]]>([:])
    private static let cacheCapacity = 10_000

    public init(
        vocabulary: BPEVocabulary, bosID: Int, eosID: Int, padID: Int, maxLength: Int = 77,
        specialTokens: [SpecialToken]
    ) {
        precondition(maxLength >= 2, "maxLength must leave room for BOS and EOS")
        self.vocabulary = vocabulary
        self.bosID = bosID
        self.eosID = eosID
        self.padID = padID
        self.maxLength = maxLength
        self.specialTokens = specialTokens
    }

    /// The prompt's token ids without BOS, EOS, truncation or padding.
    public func contentIDs(_ text: String) -> [Int] {
        var ids: [Int] = []
        let raw = Array(text.unicodeScalars)
        for segment in split(raw, on: specialTokens.filter { !$0.normalized }) {
            switch segment {
            case .special(let id): ids.append(id)
            case .text(let range):
                let normal = CLIPPreTokenizer.normalize(raw[range])
                for part in split(normal, on: specialTokens.filter(\.normalized)) {
                    switch part {
                    case .special(let id): ids.append(id)
                    case .text(let range): appendWords(of: Array(normal[range]), to: &ids)
                    }
                }
            }
        }
        return ids
    }

    /// BOS, the prompt's ids, EOS — not truncated, not padded.
    public func encode(_ text: String) -> [Int] {
        [bosID] + contentIDs(text) + [eosID]
    }

    /// What the pipeline feeds the text encoder (transformers' `max_length`, `truncation=True`,
    /// `padding="max_length"`): BOS, the first maxLength − 2 ids, EOS, then padding.
    public func inputIDs(_ text: String) -> [Int] {
        let content = contentIDs(text)
        var ids = [bosID] + content.prefix(maxLength - 2) + [eosID]
        ids += Array(repeating: padID, count: maxLength - ids.count)
        return ids
    }

    /// The text of some ids: byte-level characters back to bytes, `</w>` as a space.
    public func decode(_ ids: [Int]) -> String {
        var bytes: [UInt8] = []
        for id in ids where vocabulary.tokens.indices.contains(id) {
            let token = vocabulary.tokens[id].replacingOccurrences(of: "</w>", with: " ")
            for scalar in token.unicodeScalars {
                if let byte = ByteUnicode.byte[scalar] {
                    bytes.append(byte)
                } else {
                    bytes += Array(String(scalar).utf8)
                }
            }
        }
        return String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespaces)
    }

    private enum Segment {
        case text(Range<Int>)
        case special(Int)
    }

    /// Cuts `s` at every occurrence of a special token (leftmost first, longest at a tie).
    private func split(_ s: [Unicode.Scalar], on specials: [SpecialToken]) -> [Segment] {
        guard !specials.isEmpty else { return [.text(0..<s.count)] }
        var segments: [Segment] = []
        var start = 0
        var i = 0
        while i < s.count {
            let found = specials.filter { CLIPPreTokenizer.has($0.scalars, in: s, at: i) }
                .max { $0.scalars.count < $1.scalars.count }
            if let found {
                if start < i { segments.append(.text(start..<i)) }
                segments.append(.special(found.id))
                i += found.scalars.count
                start = i
            } else {
                i += 1
            }
        }
        if start < s.count { segments.append(.text(start..<s.count)) }
        return segments
    }

    /// Pre-tokenizes normalized text and appends the BPE ids of each word.
    private func appendWords(of normal: [Unicode.Scalar], to ids: inout [Int]) {
        for piece in CLIPPreTokenizer.clipPieces(normal) {
            for word in CLIPPreTokenizer.byteLevelPieces(normal, in: piece) {
                var view = String.UnicodeScalarView()
                view.append(contentsOf: normal[word])
                ids += bpe(String(view)).map(Int.init)
            }
        }
    }

    /// The BPE ids of one word, from the cache when it was seen before.
    private func bpe(_ word: String) -> [Int32] {
        let key = TokenKey(word)
        if let hit = cache.withLock({ $0[key] }) { return hit }
        let ids = vocabulary.merge(Array(word.utf8), unknownID: Int32(eosID))
        cache.withLock {
            if $0.count >= Self.cacheCapacity { $0.removeAll(keepingCapacity: true) }
            $0[key] = ids
        }
        return ids
    }
}

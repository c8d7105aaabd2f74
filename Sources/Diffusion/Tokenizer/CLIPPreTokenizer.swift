// Follows transformers' CLIPTokenizer (models/clip/tokenization_clip.py, transformers 5.23):
// normalizers NFC → Replace(\s+, " ") → Lowercase, then pre-tokenizers Split(CLIP pattern,
// removed, invert) → ByteLevel(use_regex) — with the regular expressions matched by hand.
import Foundation

/// Splits prompt text into the words that BPE works on, as the reference tokenizer does.
enum CLIPPreTokenizer {
    typealias Scalars = [Unicode.Scalar]

    /// NFC, every run of white space replaced by one space, then each scalar lower-cased with
    /// its full (unconditional) mapping — as the `tokenizers` normalizers do.
    static func normalize(_ text: some Sequence<Unicode.Scalar>) -> Scalars {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: text)
        let composed = String(view).precomposedStringWithCanonicalMapping
        var out: Scalars = []
        out.reserveCapacity(composed.unicodeScalars.count)
        var inSpace = false
        for s in composed.unicodeScalars {
            if s.properties.isWhitespace {
                if !inSpace { out.append(" ") }
                inSpace = true
                continue
            }
            inSpace = false
            let lower = s.properties.lowercaseMapping
            if lower.unicodeScalars.count == 1, lower.unicodeScalars.first == s {
                out.append(s)
            } else {
                out.append(contentsOf: lower.unicodeScalars)
            }
        }
        return out
    }

    /// The matches of CLIP's pattern, in order; what lies between them (white space) is dropped:
    /// `<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+`
    static func clipPieces(_ s: Scalars) -> [Range<Int>] {
        var pieces: [Range<Int>] = []
        var i = 0
        while i < s.count {
            let c = s[i]
            if c.properties.isWhitespace {
                i += 1
                continue
            }
            let end: Int
            if let literal = specialLiterals.first(where: { has($0, in: s, at: i) }) {
                end = i + literal.count
            } else if let contraction = contractionLength(s, at: i) {
                end = i + contraction
            } else if isLetter(c) {
                end = run(s, from: i, while: isLetter)
            } else if isNumber(c) {
                end = i + 1
            } else {
                end = run(s, from: i, while: isOther)
            }
            pieces.append(i..<end)
            i = end
        }
        return pieces
    }

    /// ByteLevel's GPT-2 pattern applied to one piece that holds no white space:
    /// `'s|'t|'re|'ve|'m|'ll|'d|\p{L}+|\p{N}+|[^\s\p{L}\p{N}]+` (the optional-space and
    /// white-space alternatives cannot match there). It only splits CLIP's literal
    /// `<|endoftext|>` piece when that piece was not taken as the special token.
    static func byteLevelPieces(_ s: Scalars, in range: Range<Int>) -> [Range<Int>] {
        var pieces: [Range<Int>] = []
        var i = range.lowerBound
        while i < range.upperBound {
            let c = s[i]
            let end: Int
            if let contraction = contractionLength(s, at: i, limit: range.upperBound) {
                end = i + contraction
            } else if isLetter(c) {
                end = run(s, from: i, limit: range.upperBound, while: isLetter)
            } else if isNumber(c) {
                end = run(s, from: i, limit: range.upperBound, while: isNumber)
            } else {
                end = run(s, from: i, limit: range.upperBound, while: isOther)
            }
            pieces.append(i..<end)
            i = end
        }
        return pieces
    }

    private static let specialLiterals: [Scalars] = ["<|startoftext|>", "<|endoftext|>"].map {
        Array($0.unicodeScalars)
    }
    private static let contractions: [Scalars] = ["s", "t", "re", "ve", "m", "ll", "d"].map {
        Array($0.unicodeScalars)
    }

    /// Length of `'s`, `'t`, `'re`, `'ve`, `'m`, `'ll` or `'d` at i (first alternative that matches).
    private static func contractionLength(_ s: Scalars, at i: Int, limit: Int? = nil) -> Int? {
        let limit = limit ?? s.count
        guard s[i] == "'" else { return nil }
        for tail in contractions where i + 1 + tail.count <= limit {
            if has(tail, in: s, at: i + 1) { return 1 + tail.count }
        }
        return nil
    }

    static func has(_ literal: Scalars, in s: Scalars, at i: Int) -> Bool {
        guard i + literal.count <= s.count else { return false }
        for k in 0..<literal.count where s[i + k] != literal[k] { return false }
        return true
    }

    private static func run(
        _ s: Scalars, from i: Int, limit: Int? = nil, while test: (Unicode.Scalar) -> Bool
    ) -> Int {
        let limit = limit ?? s.count
        var j = i + 1
        while j < limit, test(s[j]) { j += 1 }
        return j
    }

    /// `\p{L}`: Lu, Ll, Lt, Lm, Lo.
    static func isLetter(_ c: Unicode.Scalar) -> Bool {
        switch c.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: true
        default: false
        }
    }

    /// `\p{N}`: Nd, Nl, No.
    static func isNumber(_ c: Unicode.Scalar) -> Bool {
        switch c.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: true
        default: false
        }
    }

    /// `[^\s\p{L}\p{N}]`.
    static func isOther(_ c: Unicode.Scalar) -> Bool {
        !c.properties.isWhitespace && !isLetter(c) && !isNumber(c)
    }
}

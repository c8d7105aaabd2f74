// The A1111 infotext layout, independent of what the fields mean: follows what
// stable-diffusion-webui's create_infotext writes and parse_generation_parameters reads
// (modules/processing.py, modules/infotext_utils.py, v1.9+).

import Foundation

extension GenerationParameters {
    /// An infotext split into its parts, with every `key: value` of the parameters line kept as
    /// text in file order, whatever tool wrote it. Rendering and splitting are exact inverses for
    /// any prompt that has no line starting with `Negative prompt:` (the format cannot tell those
    /// apart) and any keys without `,` `:` or newlines.
    public struct Infotext: Sendable, Equatable {
        public var prompt: String
        public var negativePrompt: String
        /// The parameters line, values unquoted. Empty when the text has none.
        public var fields: [Field]

        public init(prompt: String, negativePrompt: String = "", fields: [Field]) {
            self.prompt = prompt
            self.negativePrompt = negativePrompt
            self.fields = fields
        }

        /// The value of the last field with this key (A1111 reads into a dictionary: the last wins).
        public func value(_ key: String) -> String? { fields.last { $0.key == key }?.value }

        static let negativePrefix = "Negative prompt:"

        /// `prompt`, `\nNegative prompt: negative` when there is one, `\n` and the parameters line
        /// (`key: value` joined by `, `; a key equal to its value written bare). An empty prompt
        /// leaves no empty first line (A1111 strips the text).
        public var text: String {
            var out = prompt
            if !negativePrompt.isEmpty { out += "\n\(Self.negativePrefix) \(negativePrompt)" }
            if !fields.isEmpty {
                out +=
                    "\n"
                    + fields.map { field in
                        let key = Self.cleanKey(field.key)
                        return field.key == field.value
                            ? key : "\(key): \(Quoting.quoteIfNeeded(field.value))"
                    }.joined(separator: ", ")
            }
            if prompt.isEmpty, out.hasPrefix("\n") { out.removeFirst() }
            return out
        }

        /// A key cannot hold `,` `:` or line breaks (they would end it): those become spaces.
        static func cleanKey(_ key: String) -> String {
            String(
                String.UnicodeScalarView(
                    key.unicodeScalars.map { ",:\n\r".unicodeScalars.contains($0) ? " " : $0 }))
        }

        /// Splits any A1111-style infotext. As A1111 does: the last line is the parameters line
        /// when it holds at least 3 `key: value` entries; lines from one starting with
        /// `Negative prompt:` on are the negative prompt. Unlike A1111, lines are not stripped (so
        /// that our own prompts read back exactly); only trailing white space of the whole text is
        /// dropped, and CRLF line ends are read as LF when the whole text uses them.
        public init(parsing source: String) {
            var text = source
            while let last = text.unicodeScalars.last, last.properties.isWhitespace {
                text.unicodeScalars.removeLast()
            }
            let lineFeeds = text.unicodeScalars.filter { $0 == "\n" }.count
            if lineFeeds > 0, text.components(separatedBy: "\r\n").count - 1 == lineFeeds {
                text = text.replacingOccurrences(of: "\r\n", with: "\n")
            }
            var lines = Self.lines(of: text)
            var fields: [Field] = []
            if let last = lines.last {
                let scanned = Self.scanFields(last)
                if scanned.filter(\.hadColon).count >= 3 {
                    fields = scanned.map(\.field)
                    lines.removeLast()
                }
            }
            var promptLines: [Substring] = []
            var negativeLines: [Substring] = []
            var inNegative = false
            for line in lines {
                if !inNegative, line.hasPrefix(Self.negativePrefix) {
                    inNegative = true
                    var rest = line.dropFirst(Self.negativePrefix.count)
                    if rest.first == " " { rest = rest.dropFirst() }
                    negativeLines.append(rest)
                } else if inNegative {
                    negativeLines.append(line)
                } else {
                    promptLines.append(line)
                }
            }
            self.prompt = promptLines.joined(separator: "\n")
            self.negativePrompt = negativeLines.joined(separator: "\n")
            self.fields = fields
        }

        /// Lines split at every `\n` scalar (a Swift `Character` would treat `\r\n` as one).
        private static func lines(of text: String) -> [Substring] {
            let scalars = text.unicodeScalars
            var result: [Substring] = []
            var start = scalars.startIndex
            var i = scalars.startIndex
            while i < scalars.endIndex {
                if scalars[i] == "\n" {
                    result.append(Substring(scalars[start..<i]))
                    start = scalars.index(after: i)
                }
                i = scalars.index(after: i)
            }
            result.append(Substring(scalars[start...]))
            return result
        }

        /// Reads `key: value, key: "quoted, value", flag, …`. Lenient: a key is whatever precedes
        /// the `:`; a quoted value that is not valid JSON, or not followed by `,` or the end, is
        /// read as plain text up to the next `,`; a segment without `:` is a bare flag.
        static func scanFields(_ line: Substring) -> [(field: Field, hadColon: Bool)] {
            let s = Array(line.unicodeScalars)
            var out: [(field: Field, hadColon: Bool)] = []
            var i = 0
            func text(_ range: Range<Int>) -> String { String(String.UnicodeScalarView(s[range])) }
            func trimmed(_ range: Range<Int>) -> String {
                var lo = range.lowerBound, hi = range.upperBound
                while lo < hi, s[lo].properties.isWhitespace { lo += 1 }
                while hi > lo, s[hi - 1].properties.isWhitespace { hi -= 1 }
                return text(lo..<hi)
            }
            while i < s.count {
                while i < s.count, s[i].properties.isWhitespace { i += 1 }
                guard i < s.count else { break }
                let keyStart = i
                while i < s.count, s[i] != ":", s[i] != "," { i += 1 }
                let key = trimmed(keyStart..<i)
                if i == s.count || s[i] == "," {
                    if !key.isEmpty { out.append((Field(key, key), false)) }
                    i += 1
                    continue
                }
                i += 1  // the ':'
                while i < s.count, s[i] == " " || s[i] == "\t" { i += 1 }
                if let (value, end) = Quoting.unquote(s, from: i) {
                    var j = end
                    while j < s.count, s[j] == " " || s[j] == "\t" { j += 1 }
                    if j == s.count || s[j] == "," {
                        out.append((Field(key, value), true))
                        i = j + 1
                        continue
                    }
                }
                let valueStart = i
                while i < s.count, s[i] != "," { i += 1 }
                out.append((Field(key, trimmed(valueStart..<i)), true))
                i += 1
            }
            return out
        }
    }
}

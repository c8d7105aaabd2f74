// Values of the parameters line are quoted as A1111's infotext_utils.quote does: a value with a
// `,`, `:` or newline is written as a JSON string (Python's json.dumps with ensure_ascii=False).

extension GenerationParameters {
    /// The JSON string quoting of infotext values.
    enum Quoting {
        /// Whether a value must be quoted. A1111 quotes values with `,` `:` or `\n`; we also quote
        /// a `\r`, a leading `"` and leading or trailing white space, which would otherwise not
        /// read back unchanged (A1111 reads those quoted values correctly too).
        static func needsQuotes(_ value: String) -> Bool {
            if value.unicodeScalars.contains(where: { $0 == "," || $0 == ":" || $0 == "\n" || $0 == "\r" }) {
                return true
            }
            guard let first = value.unicodeScalars.first, let last = value.unicodeScalars.last else {
                return false
            }
            return first == "\"" || first.properties.isWhitespace || last.properties.isWhitespace
        }

        /// `value` as written after `key: `.
        static func quoteIfNeeded(_ value: String) -> String {
            needsQuotes(value) ? quote(value) : value
        }

        /// json.dumps(value, ensure_ascii=False): `"` `\` and control characters escaped,
        /// everything else (non-ASCII included) as is.
        static func quote(_ value: String) -> String {
            var out = "\""
            for scalar in value.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case "\u{08}": out += "\\b"
                case "\u{0C}": out += "\\f"
                case _ where scalar.value < 0x20:
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out + "\""
        }

        /// Reads a JSON string starting at `start` (which must hold `"`): the decoded text and the
        /// index after the closing quote, or nil when it is not a valid JSON string.
        static func unquote(_ scalars: [Unicode.Scalar], from start: Int) -> (text: String, end: Int)? {
            guard start < scalars.count, scalars[start] == "\"" else { return nil }
            var text = String.UnicodeScalarView()
            var i = start + 1
            while i < scalars.count {
                let c = scalars[i]
                if c == "\"" { return (String(text), i + 1) }
                if c != "\\" {
                    text.append(c)
                    i += 1
                    continue
                }
                guard i + 1 < scalars.count else { return nil }
                let e = scalars[i + 1]
                i += 2
                switch e {
                case "\"", "\\", "/": text.append(e)
                case "n": text.append("\n")
                case "r": text.append("\r")
                case "t": text.append("\t")
                case "b": text.append("\u{08}")
                case "f": text.append("\u{0C}")
                case "u":
                    guard let unit = hex4(scalars, at: i) else { return nil }
                    i += 4
                    if (0xD800..<0xDC00).contains(unit) {
                        // A surrogate pair: \uD83D\uDE00.
                        guard i + 1 < scalars.count, scalars[i] == "\\", scalars[i + 1] == "u",
                            let low = hex4(scalars, at: i + 2), (0xDC00..<0xE000).contains(low)
                        else { return nil }
                        i += 6
                        guard let pair = Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
                        else { return nil }
                        text.append(pair)
                    } else {
                        guard let single = Unicode.Scalar(unit) else { return nil }  // a lone low surrogate
                        text.append(single)
                    }
                default: return nil
                }
            }
            return nil
        }

        private static func hex4(_ scalars: [Unicode.Scalar], at i: Int) -> UInt32? {
            guard i + 4 <= scalars.count else { return nil }
            var value: UInt32 = 0
            for c in scalars[i..<(i + 4)] {
                guard c.isASCII, let digit = Int(String(c), radix: 16) else { return nil }
                value = value << 4 | UInt32(digit)
            }
            return value
        }
    }
}

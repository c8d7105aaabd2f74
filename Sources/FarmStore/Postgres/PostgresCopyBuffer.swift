/// Rows in COPY's text format: tab-separated fields, one row per line, with backslash,
/// tab, newline and carriage return escaped inside fields. (Text with NUL is rejected
/// before it gets here: PostgreSQL text cannot hold it.)
struct PostgresCopyBuffer {
    var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(1 << 20 + 4096) }

    var count: Int { bytes.count }

    /// Appends text the store made itself (numbers, separators): nothing to escape.
    mutating func appendRaw(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    /// Appends one field's value, escaped.
    mutating func appendField(_ text: String) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "\t"): bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "t"))
            case UInt8(ascii: "\n"): bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "n"))
            case UInt8(ascii: "\r"): bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "r"))
            default: bytes.append(byte)
            }
        }
    }
}

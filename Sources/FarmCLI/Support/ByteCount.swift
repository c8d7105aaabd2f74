import ArgumentParser

/// A size on the command line: `1073741824`, `512M`, `1G`, `2T` (powers of 1024).
struct ByteCount: ExpressibleByArgument, CustomStringConvertible, Sendable {
    var bytes: Int64

    init(_ bytes: Int64) {
        self.bytes = bytes
    }

    init?(argument: String) {
        var text = argument.uppercased()
        if text.hasSuffix("IB") { text.removeLast(2) } else if text.hasSuffix("B") { text.removeLast() }
        let shifts: [Character: Int64] = ["K": 10, "M": 20, "G": 30, "T": 40]
        var shift: Int64 = 0
        if let last = text.last, let s = shifts[last] {
            shift = s
            text.removeLast()
        }
        guard let value = Int64(text), value >= 0, value <= Int64.max >> shift else { return nil }
        bytes = value << shift
    }

    var description: String {
        for (suffix, shift) in [("T", Int64(40)), ("G", 30), ("M", 20), ("K", 10)]
        where bytes > 0 && bytes % (1 << shift) == 0 {
            return "\(bytes >> shift)\(suffix)"
        }
        return "\(bytes)"
    }
}

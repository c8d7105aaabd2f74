import ArgumentParser
import Foundation

/// A size on the command line: bytes, or a number with K, M, G or T (powers of 1024),
/// e.g. `512M`, `8G`, `1.5G`.
struct ByteSize: ExpressibleByArgument, Equatable, CustomStringConvertible {
    var bytes: Int

    init(bytes: Int) { self.bytes = bytes }

    init?(argument: String) {
        let text = argument.trimmingCharacters(in: .whitespaces).uppercased()
        let units: [Character: Double] = ["K": 0x1p10, "M": 0x1p20, "G": 0x1p30, "T": 0x1p40]
        var number = Substring(text)
        var scale = 1.0
        if number.hasSuffix("IB") || number.hasSuffix("B") { number = number.dropLast(number.hasSuffix("IB") ? 2 : 1) }
        if let last = number.last, let unit = units[last] {
            scale = unit
            number = number.dropLast()
        }
        guard let value = Double(number), value.isFinite, value >= 0 else { return nil }
        let bytes = (value * scale).rounded()
        guard bytes < 9.0e18 else { return nil }
        self.bytes = Int(bytes)
    }

    var description: String {
        for (unit, size) in [("T", 1 << 40), ("G", 1 << 30), ("M", 1 << 20), ("K", 1 << 10)] where bytes >= size && bytes % size == 0 {
            return "\(bytes / size)\(unit)"
        }
        return "\(bytes)"
    }
}

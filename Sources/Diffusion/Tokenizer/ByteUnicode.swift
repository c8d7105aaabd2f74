// Follows bytes_to_unicode() in openai/CLIP clip/simple_tokenizer.py (GPT-2's byte-level map).

/// The reversible map from the 256 byte values to printable Unicode scalars that byte-level BPE
/// works on: printable Latin-1 bytes map to themselves, the others to U+0100 onwards.
enum ByteUnicode {
    /// The bytes in the order CLIP lists them: the printable ranges first, then the rest.
    static let orderedBytes: [UInt8] = {
        var bytes = Array(UInt8(ascii: "!")...UInt8(ascii: "~")) + Array(0xA1...0xAC) + Array(0xAE...0xFF)
        let printable = Set(bytes)
        for b in 0...255 where !printable.contains(UInt8(b)) { bytes.append(UInt8(b)) }
        return bytes
    }()

    /// scalar[b] is the character that stands for byte b.
    static let scalar: [Unicode.Scalar] = {
        var table = [Unicode.Scalar](repeating: " ", count: 256)
        var next: UInt32 = 256
        for b in orderedBytes {
            if isPrintable(b) {
                table[Int(b)] = Unicode.Scalar(b)
            } else {
                table[Int(b)] = Unicode.Scalar(next)!
                next += 1
            }
        }
        return table
    }()

    /// The byte a scalar stands for, or nil if it is not one of the 256.
    static let byte: [Unicode.Scalar: UInt8] = {
        var map: [Unicode.Scalar: UInt8] = [:]
        for b in 0...255 { map[scalar[b]] = UInt8(b) }
        return map
    }()

    private static func isPrintable(_ b: UInt8) -> Bool {
        (0x21...0x7E).contains(b) || (0xA1...0xAC).contains(b) || (0xAE...0xFF).contains(b)
    }
}

import Crypto

/// SHA-256 helpers for the digests the protocol carries (32 raw bytes on the wire, lowercase
/// hex in the stores).
public enum Digest {
    public static func sha256(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        var h = SHA256()
        h.update(data: Array(bytes))
        return Array(h.finalize())
    }

    public static func hex(_ digest: [UInt8]) -> String {
        let chars = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(digest.count * 2)
        for b in digest { out.append(chars[Int(b >> 4)]); out.append(chars[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// 64 hex digits to 32 bytes; nil if the string is not one.
    public static func bytes(hex: String) -> [UInt8]? {
        let u = Array(hex.utf8)
        guard u.count == 64 else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: return c - 48
            case 97...102: return c - 87
            case 65...70: return c - 55
            default: return nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(32)
        var i = 0
        while i < 64 {
            guard let hi = nibble(u[i]), let lo = nibble(u[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }
}

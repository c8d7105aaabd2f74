import Foundation

/// How well a shared token resists guessing (docs/protocol.md, "Handshake and
/// authentication"). Someone who sees one real handshake can test guesses of the token
/// offline, so a token should be long and random: generated ones are 32 random bytes written
/// as 64 hex characters (256 bits).
enum TokenStrength {
    static let recommendedBytes = 32
    static let recommendedBits = 128.0

    /// Estimated entropy in bits: the smaller of length × log2(the alphabet its character
    /// classes span) and length × the Shannon entropy of its characters. Generous to a random
    /// token, harsh on repeats and words.
    static func estimatedBits(_ token: [UInt8]) -> Double {
        guard !token.isEmpty else { return 0 }
        var counts: [UInt8: Int] = [:]
        for b in token { counts[b, default: 0] += 1 }
        let n = Double(token.count)
        let shannon = counts.values.reduce(0.0) { h, c in
            let p = Double(c) / n
            return h - p * log2(p)
        }
        let isHex = token.allSatisfy {
            (0x30...0x39).contains($0) || (0x61...0x66).contains($0) || (0x41...0x46).contains($0)
        }
        var alphabet = 0
        if isHex {
            alphabet = 16
        } else {
            if token.contains(where: { (0x61...0x7a).contains($0) }) { alphabet += 26 }
            if token.contains(where: { (0x41...0x5a).contains($0) }) { alphabet += 26 }
            if token.contains(where: { (0x30...0x39).contains($0) }) { alphabet += 10 }
            if token.contains(where: {
                !(0x30...0x39).contains($0) && !(0x41...0x5a).contains($0) && !(0x61...0x7a).contains($0)
            }) {
                alphabet += 33
            }
        }
        return min(n * log2(Double(max(alphabet, 2))), n * shannon)
    }

    /// A one-line warning for a weak token, or nil.
    static func warning(for token: [UInt8], path: String) -> String? {
        let bits = estimatedBits(token)
        guard token.count < recommendedBytes || bits < recommendedBits else { return nil }
        return
            "warning: the token in \(path) is weak (\(token.count) bytes, about \(Int(bits)) bits of entropy); someone who sees a handshake can test guesses of it offline. Use 32 random bytes or more, e.g. `openssl rand -hex 32 > \(path)`."
    }
}

import Foundation
import Testing

@testable import FarmCLI
@testable import FarmTesting

/// Weak token files draw a warning; generated ones do not (issue 13, defect 4).
@Suite("Token strength")
struct TokenStrengthTests {
    @Test func aGeneratedTokenDrawsNoWarning() {
        var g = SystemRandomNumberGenerator()
        for _ in 0..<20 {
            let token = Array(
                (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &g)) }.joined()
                    .utf8)
            #expect(
                TokenStrength.warning(for: token, path: "t") == nil,
                "\(String(decoding: token, as: UTF8.self))")
        }
    }

    @Test func shortRepetitiveOrWordTokensDrawAWarning() {
        for weak in [
            "0123456789abcdef", String(repeating: "a", count: 64), "correcthorsebatterystaplecorrecthorse",
            "password-password-password-password",
        ] {
            let w = TokenStrength.warning(for: Array(weak.utf8), path: "/etc/sdfarm/token")
            #expect(w?.contains("/etc/sdfarm/token") == true, "\(weak)")
        }
    }

    @Test func aWeakTokenFileIsReadWithAWarning() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "weak-token-\(UUID().uuidString)"
        ).path
        #expect(
            FileManager.default.createFile(
                atPath: path, contents: Data("aaaaaaaaaaaaaaaaaaaa\n".utf8),
                attributes: [.posixPermissions: 0o600]))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var warnings: [String] = []
        let token = try TokenFile.read(path, warn: { warnings.append($0) })
        #expect(token == Array("aaaaaaaaaaaaaaaaaaaa".utf8))
        #expect(warnings.count == 1)
    }
}

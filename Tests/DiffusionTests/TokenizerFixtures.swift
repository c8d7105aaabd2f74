import Foundation

@testable import Diffusion

/// The golden ids written by scripts/make-tokenizer-fixtures.py (transformers' CLIPTokenizer).
// swift-format-ignore: AlwaysUseLowerCamelCase
// (the property names are the fixture file's JSON field names)
struct TokenizerFixture: Decodable {
    struct Case: Decodable {
        let prompt: String
        let ids: [Int]
        let input_ids: [Int]?
    }

    let magic: String
    let version: Int
    let transformers: String
    let vocab_size: Int
    let cases: [Case]

    static let folder = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
        .appendingPathComponent("tokenizer")

    static func load(_ name: String) throws -> TokenizerFixture {
        let url = folder.appendingPathComponent(name)
        let fixture = try JSONDecoder().decode(TokenizerFixture.self, from: Data(contentsOf: url))
        guard fixture.magic == "sdfarm-tokenizer-fixtures", fixture.version == 1 else {
            throw TokenizerError(
                file: url.path,
                "unexpected fixture \(fixture.magic) v\(fixture.version): "
                    + "regenerate with python3 scripts/make-tokenizer-fixtures.py")
        }
        return fixture
    }

    /// The bundled tokenizer, built once for all tests.
    static let bundled: Result<CLIPTokenizer, any Error> = Result { try CLIPTokenizer.bundled() }
}

/// "prompt: expected … got …" for the first few differences, to print on failure.
func describeMismatches(_ mismatches: [(String, [Int], [Int])]) -> String {
    mismatches.prefix(5).map { "\($0.0.debugDescription):\n  transformers \($0.1)\n  sdfarm       \($0.2)" }
        .joined(separator: "\n")
}

import Foundation

/// The parts of a transformers tokenizer_config.json the CLIP tokenizer needs.
struct TokenizerConfig {
    private var entries: [String: Any] = [:]

    /// Reads the file when it exists; a missing file is an empty configuration.
    init(contentsOf url: URL) throws {
        guard FileManager.default.fileExists(atPath: url.path) else { return }
        do {
            let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
            guard let dictionary = object as? [String: Any] else {
                throw TokenizerError(file: url.path, "is not a JSON object")
            }
            entries = dictionary
        } catch let error as TokenizerError {
            throw error
        } catch {
            throw TokenizerError(file: url.path, "is not valid JSON: \(error.localizedDescription)")
        }
    }

    /// The text of a special-token entry: a string, or an AddedToken object's "content".
    func content(of key: String) -> String? {
        switch entries[key] {
        case let text as String: text
        case let token as [String: Any]: token["content"] as? String
        default: nil
        }
    }

    /// transformers 5.23 matches a special token in normalized text only when every entry
    /// that names it is an AddedToken with "normalized": true (a plain string is not).
    func isNormalized(_ text: String) -> Bool {
        let keys = ["bos_token", "eos_token", "unk_token", "pad_token"].filter { content(of: $0) == text }
        return !keys.isEmpty
            && keys.allSatisfy { ((entries[$0] as? [String: Any])?["normalized"] as? Bool) == true }
    }

    var modelMaxLength: Int? {
        (entries["model_max_length"] as? NSNumber).flatMap { $0.doubleValue <= 1e9 ? $0.intValue : nil }
    }
}

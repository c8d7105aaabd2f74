import Foundation

extension CLIPTokenizer {
    /// CLIP's ids for its two special tokens in the standard vocabulary.
    public static let clipBOS = 49406
    public static let clipEOS = 49407

    /// The tokenizer a model uses: its `tokenizer/` folder (vocab.json + merges.txt) when it has
    /// one — `model` may also be that folder itself — otherwise the CLIP vocabulary bundled
    /// with sdfarm (single-file checkpoints, or no model at all).
    public static func forModel(at model: URL?) throws -> CLIPTokenizer {
        if let model {
            for folder in [model.appendingPathComponent("tokenizer"), model] {
                let vocab = folder.appendingPathComponent("vocab.json")
                let merges = folder.appendingPathComponent("merges.txt")
                if FileManager.default.fileExists(atPath: vocab.path),
                    FileManager.default.fileExists(atPath: merges.path)
                {
                    return try huggingFace(folder: folder)
                }
            }
        }
        return try bundled()
    }

    /// The SD 1.x tokenizer from the bundled bpe_simple_vocab_16e6.txt.gz, with special tokens
    /// treated as SD 1.5's tokenizer_config.json makes transformers treat them.
    public static func bundled() throws -> CLIPTokenizer {
        let vocabulary = try BPEVocabulary.clip(gzipFile: try BundledResources.clipVocabulary())
        return CLIPTokenizer(
            vocabulary: vocabulary, bosID: clipBOS, eosID: clipEOS, padID: clipEOS,
            specialTokens: [
                SpecialToken(text: "<|startoftext|>", id: clipBOS, normalized: true),
                SpecialToken(text: "<|endoftext|>", id: clipEOS, normalized: false),
            ])
    }

    /// A transformers tokenizer folder: vocab.json, merges.txt and, when present,
    /// tokenizer_config.json (special tokens, padding token, model_max_length).
    public static func huggingFace(folder: URL) throws -> CLIPTokenizer {
        let vocabulary = try BPEVocabulary.huggingFace(
            vocabJSON: folder.appendingPathComponent("vocab.json"),
            mergesTXT: folder.appendingPathComponent("merges.txt"))
        let configURL = folder.appendingPathComponent("tokenizer_config.json")
        let config = try TokenizerConfig(contentsOf: configURL)
        func id(_ text: String) throws -> Int {
            guard let id = vocabulary.id(of: text) else {
                throw TokenizerError(
                    file: folder.appendingPathComponent("vocab.json").path, "has no token \(text)")
            }
            return id
        }
        let bos = config.content(of: "bos_token") ?? "<|startoftext|>"
        let eos = config.content(of: "eos_token") ?? "<|endoftext|>"
        let pad = config.content(of: "pad_token") ?? eos
        let specials = Set([bos, eos, pad, config.content(of: "unk_token") ?? eos])
            .filter { $0.hasPrefix("<|") }  // SD 2.x pads with "!", an ordinary token
            .sorted()
            .map { SpecialToken(text: $0, id: try? id($0), normalized: config.isNormalized($0)) }
            .compactMap { $0 }
        let length = config.modelMaxLength.flatMap { (2...4096).contains($0) ? $0 : nil } ?? 77
        return CLIPTokenizer(
            vocabulary: vocabulary, bosID: try id(bos), eosID: try id(eos), padID: try id(pad),
            maxLength: length, specialTokens: specials)
    }
}

extension CLIPTokenizer.SpecialToken {
    fileprivate init?(text: String, id: Int?, normalized: Bool) {
        guard let id else { return nil }
        self.init(text: text, id: id, normalized: normalized)
    }
}

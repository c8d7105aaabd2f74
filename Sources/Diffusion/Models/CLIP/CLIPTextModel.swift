// Follows transformers' CLIPTextModel / CLIPTextTransformer (models/clip/modeling_clip.py).

/// The CLIP text encoder: token + position embeddings, causal pre-norm transformer layers, final
/// layer norm. Takes token ids (the tokenizer's output) and returns hidden states.
public struct CLIPTextModel: Sendable {
    public let config: CLIPTextConfig
    let tokenEmbedding: Tensor
    let positionEmbedding: Tensor
    let layers: [CLIPEncoderLayer]
    let finalLayerNorm: LayerNorm

    /// Loads weights named as in transformers ("text_model.encoder.layers.0…").
    public init(config: CLIPTextConfig, weights: WeightSource) throws {
        let loader = CLIPTextModel.loader(for: weights, mode: .load)
        try self.init(config: config, loader: loader)
        try loader.finish()
    }

    /// A loader that tolerates what text-encoder files carry besides the model (a
    /// `position_ids` buffer, a projection head).
    public static func loader(for weights: WeightSource, mode: WeightLoader.Mode) -> WeightLoader {
        WeightLoader(
            weights, mode: mode, ignoring: { $0.hasSuffix("position_ids") || $0.hasPrefix("text_projection") }
        )
    }

    /// Builds the model from `loader` (which the caller finishes).
    public init(config: CLIPTextConfig, loader: WeightLoader) throws {
        self.config = config
        (tokenEmbedding, positionEmbedding, layers, finalLayerNorm) = try loader.scope("text_model") {
            let (token, position) = try loader.scope("embeddings") {
                (
                    try loader.tensor(
                        "token_embedding.weight", shape: [config.vocabSize, config.hiddenSize]),
                    try loader.tensor(
                        "position_embedding.weight", shape: [config.maxPositions, config.hiddenSize])
                )
            }
            let layers = try loader.scope("encoder") {
                try (0..<config.layers).map { i in
                    try loader.scope("layers.\(i)") { try CLIPEncoderLayer(loader, config: config) }
                }
            }
            let norm = try LayerNorm(
                loader, "final_layer_norm", width: config.hiddenSize, epsilon: config.layerNormEpsilon)
            return (token, position, layers, norm)
        }
    }

    /// Hidden states for a batch of token-id rows, all of one length ≤ `maxPositions`.
    ///
    /// `clipSkip` has A1111's meaning: 1 (the default) is the final layer's output; N takes the
    /// output of the layer N − 1 from the end. Either way the final layer norm is applied.
    // ids: N rows of L ids → [N, L, hidden]
    public func callAsFunction(_ ids: [[Int32]], clipSkip: Int = 1, backend: any Backend) throws -> Tensor {
        guard let length = ids.first?.count, length > 0 else { throw TextEncoderError("no token ids given") }
        guard length <= config.maxPositions else {
            throw TextEncoderError(
                "\(length) tokens exceed the text encoder's \(config.maxPositions) positions")
        }
        for (row, rowIds) in ids.enumerated() {
            guard rowIds.count == length else {
                throw TextEncoderError("row \(row) has \(rowIds.count) ids, row 0 has \(length)")
            }
            if let bad = rowIds.first(where: { $0 < 0 || Int($0) >= config.vocabSize }) {
                throw TextEncoderError(
                    "row \(row): token id \(bad) outside the vocabulary 0..<\(config.vocabSize)")
            }
        }
        guard clipSkip >= 1, clipSkip <= config.layers else {
            throw TextEncoderError("clip skip \(clipSkip) outside 1…\(config.layers)")
        }
        let n = ids.count
        let embedded = backend.embedding(ids.flatMap { $0 }, table: tokenEmbedding).reshaped([
            n, length, config.hiddenSize,
        ])
        let positions = backend.embedding((0..<Int32(length)).map { $0 }, table: positionEmbedding)
        var h = backend.add(
            embedded, repeatRows(positions, times: n).reshaped([n, length, config.hiddenSize]))
        for layer in layers.prefix(config.layers - (clipSkip - 1)) {
            h = layer(h, backend)
        }
        return finalLayerNorm(h, backend)
    }

    private func repeatRows(_ t: Tensor, times n: Int) -> Tensor {
        var out = Tensor(uninitialized: [n] + t.shape)
        out.withUnsafeMutableBufferPointer { o in
            t.withUnsafeBufferPointer { src in
                for i in 0..<n {
                    (o.baseAddress! + i * t.count).update(from: src.baseAddress!, count: t.count)
                }
            }
        }
        return out
    }
}

/// Bad input to the text encoder (ids, lengths, clip skip).
public struct TextEncoderError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = "text encoder: " + description }
}

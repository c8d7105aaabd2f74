/// Architecture of a CLIP text transformer (transformers' `CLIPTextConfig`).
public struct CLIPTextConfig: Sendable, Equatable {
    public var vocabSize: Int
    public var hiddenSize: Int
    public var intermediateSize: Int
    public var layers: Int
    public var heads: Int
    public var maxPositions: Int
    public var activation: Activation
    public var layerNormEpsilon: Float

    /// SD 1.x's text encoder (OpenAI CLIP ViT-L/14).
    public static let sd15 = CLIPTextConfig(
        vocabSize: 49408, hiddenSize: 768, intermediateSize: 3072, layers: 12, heads: 12,
        maxPositions: 77, activation: .quickGelu, layerNormEpsilon: 1e-5)

    public init(
        vocabSize: Int, hiddenSize: Int, intermediateSize: Int, layers: Int, heads: Int,
        maxPositions: Int, activation: Activation, layerNormEpsilon: Float
    ) {
        self.vocabSize = vocabSize
        self.hiddenSize = hiddenSize
        self.intermediateSize = intermediateSize
        self.layers = layers
        self.heads = heads
        self.maxPositions = maxPositions
        self.activation = activation
        self.layerNormEpsilon = layerNormEpsilon
    }

    /// From `text_encoder/config.json`.
    public init(json: ConfigJSON) throws {
        let act = try json.string("hidden_act", default: "quick_gelu")
        guard let activation: Activation = act == "quick_gelu" ? .quickGelu : act == "gelu" ? .gelu : nil
        else {
            throw CheckpointError(file: json.path, "hidden_act '\(act)' is not supported (quick_gelu, gelu)")
        }
        self.init(
            vocabSize: try json.int("vocab_size", default: 49408),
            hiddenSize: try json.int("hidden_size", default: 512),
            intermediateSize: try json.int("intermediate_size", default: 2048),
            layers: try json.int("num_hidden_layers", default: 12),
            heads: try json.int("num_attention_heads", default: 8),
            maxPositions: try json.int("max_position_embeddings", default: 77), activation: activation,
            layerNormEpsilon: try json.float("layer_norm_eps", default: 1e-5))
        guard hiddenSize > 0, heads > 0, hiddenSize % heads == 0 else {
            throw CheckpointError(
                file: json.path, "hidden_size \(hiddenSize) is not divisible by \(heads) heads")
        }
    }

    /// Detected from the tensors' names and shapes (single-file checkpoints carry no config).
    /// Heads are not visible in shapes: CLIP text encoders use 64-wide heads (ViT-L/14: 12 × 64);
    /// an encoder narrower than 64 (small test models such as models/sdfarm-shapes) has one head.
    public init(detectingFrom weights: WeightSource) throws {
        guard let token = weights.info("text_model.embeddings.token_embedding.weight")?.shape,
            token.count == 2,
            let position = weights.info("text_model.embeddings.position_embedding.weight")?.shape,
            position.count == 2
        else { throw CheckpointError(file: weights.origin, "no CLIP text encoder embeddings found") }
        var layers = 0
        while weights.contains("text_model.encoder.layers.\(layers).self_attn.q_proj.weight") { layers += 1 }
        guard layers > 0, let fc1 = weights.info("text_model.encoder.layers.0.mlp.fc1.weight")?.shape,
            fc1.count == 2
        else {
            throw CheckpointError(file: weights.origin, "no CLIP text encoder layers found")
        }
        let hidden = token[1]
        guard hidden % 64 == 0 || hidden < 64 else {
            throw CheckpointError(
                file: weights.origin, "text width \(hidden) is not a multiple of the 64-wide CLIP heads")
        }
        self.init(
            vocabSize: token[0], hiddenSize: hidden, intermediateSize: fc1[0], layers: layers,
            heads: max(1, hidden / 64),
            maxPositions: position[0], activation: .quickGelu, layerNormEpsilon: 1e-5)
    }
}

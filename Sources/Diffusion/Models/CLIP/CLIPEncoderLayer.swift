// Follows transformers' CLIPEncoderLayer / CLIPAttention / CLIPMLP (models/clip/modeling_clip.py).

/// One pre-norm transformer layer of the CLIP text encoder (causal self-attention + MLP).
struct CLIPEncoderLayer: Sendable {
    let layerNorm1: LayerNorm
    let qProj: Linear, kProj: Linear, vProj: Linear, outProj: Linear
    let layerNorm2: LayerNorm
    let fc1: Linear, fc2: Linear
    let heads: Int
    let activation: Activation

    init(_ loader: WeightLoader, config c: CLIPTextConfig) throws {
        let h = c.hiddenSize
        layerNorm1 = try LayerNorm(loader, "layer_norm1", width: h, epsilon: c.layerNormEpsilon)
        (qProj, kProj, vProj, outProj) = try loader.scope("self_attn") {
            (
                try Linear(loader, "q_proj", in: h, out: h), try Linear(loader, "k_proj", in: h, out: h),
                try Linear(loader, "v_proj", in: h, out: h), try Linear(loader, "out_proj", in: h, out: h)
            )
        }
        layerNorm2 = try LayerNorm(loader, "layer_norm2", width: h, epsilon: c.layerNormEpsilon)
        (fc1, fc2) = try loader.scope("mlp") {
            (
                try Linear(loader, "fc1", in: h, out: c.intermediateSize),
                try Linear(loader, "fc2", in: c.intermediateSize, out: h)
            )
        }
        heads = c.heads
        activation = c.activation
    }

    // x: [N, L, hidden] → [N, L, hidden]
    func callAsFunction(_ x: Tensor, _ backend: any Backend) -> Tensor {
        let normed = layerNorm1(x, backend)
        let attended = backend.attention(
            query: qProj(normed, backend), key: kProj(normed, backend),
            value: vProj(normed, backend), heads: heads, causal: true)
        let h = backend.add(x, outProj(attended, backend))
        let mlp = fc2(backend.activation(fc1(layerNorm2(h, backend), backend), activation), backend)
        return backend.add(h, mlp)
    }
}

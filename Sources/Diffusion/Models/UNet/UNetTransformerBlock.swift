// Follows diffusers/models/attention.py: BasicTransformerBlock (norm_type "layer_norm", GEGLU feed-forward).

/// LayerNorm → self-attention, LayerNorm → cross-attention over the context, LayerNorm →
/// GEGLU feed-forward, each added back to the stream.
struct UNetTransformerBlock {
    let norm1: UNetLayerNorm
    let attn1: UNetAttention
    let norm2: UNetLayerNorm
    let attn2: UNetAttention
    let norm3: UNetLayerNorm
    let ff: UNetFeedForward

    init(_ p: UNetParameters, dim: Int, contextDim: Int, heads: Int) throws {
        norm1 = try UNetLayerNorm(p, "norm1", channels: dim)
        attn1 = try UNetAttention(p.scoped("attn1"), queryDim: dim, contextDim: nil, heads: heads)
        norm2 = try UNetLayerNorm(p, "norm2", channels: dim)
        attn2 = try UNetAttention(p.scoped("attn2"), queryDim: dim, contextDim: contextDim, heads: heads)
        norm3 = try UNetLayerNorm(p, "norm3", channels: dim)
        ff = try UNetFeedForward(p.scoped("ff"), dim: dim)
    }

    /// x: [N, L, C], context: [N, Lc, Cc] → [N, L, C]
    func callAsFunction(_ x: Tensor, context: Tensor, _ backend: any Backend) -> Tensor {
        var h = backend.add(attn1(norm1(x, backend), context: nil, backend), x)
        h = backend.add(attn2(norm2(h, backend), context: context, backend), h)
        return backend.add(ff(norm3(h, backend), backend), h)
    }
}

// Follows diffusers/models/attention_processor.py: Attention with AttnProcessor2_0 (no q/k/v bias, to_out linear with bias).

/// Multi-head attention of a token sequence over itself (self-attention, no context) or over
/// the text context (cross-attention): to_q, to_k, to_v, softmax(q·kᵀ/√d)·v per head, to_out.0.
struct UNetAttention {
    let toQ: UNetLinear
    let toK: UNetLinear
    let toV: UNetLinear
    let toOut: UNetLinear
    let heads: Int

    init(_ p: UNetParameters, queryDim: Int, contextDim: Int?, heads: Int) throws {
        let inner = queryDim
        toQ = try UNetLinear(p, "to_q", in: queryDim, out: inner, bias: false)
        toK = try UNetLinear(p, "to_k", in: contextDim ?? queryDim, out: inner, bias: false)
        toV = try UNetLinear(p, "to_v", in: contextDim ?? queryDim, out: inner, bias: false)
        toOut = try UNetLinear(p, "to_out.0", in: inner, out: queryDim)
        self.heads = heads
    }

    /// x: [N, L, C], context: [N, Lc, Cc] (nil: self-attention) → [N, L, C]
    func callAsFunction(_ x: Tensor, context: Tensor?, _ backend: any Backend) -> Tensor {
        let source = context ?? x
        let q = toQ(x, backend)
        let k = toK(source, backend)
        let v = toV(source, backend)
        let attended = backend.attention(query: q, key: k, value: v, heads: heads, causal: false)
        return toOut(attended, backend)
    }
}

/// GEGLU feed-forward: net.0.proj to 2·4C, a·GELU(gate), net.2 back to C.
struct UNetFeedForward {
    let projIn: UNetLinear
    let projOut: UNetLinear

    init(_ p: UNetParameters, dim: Int, multiplier: Int = 4) throws {
        let inner = dim * multiplier
        projIn = try UNetLinear(p, "net.0.proj", in: dim, out: inner * 2)
        projOut = try UNetLinear(p, "net.2", in: inner, out: dim)
    }

    /// x: [N, L, C] → [N, L, C]
    func callAsFunction(_ x: Tensor, _ backend: any Backend) -> Tensor {
        projOut(backend.geglu(projIn(x, backend)), backend)
    }
}

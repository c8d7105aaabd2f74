// Follows diffusers/models/transformers/transformer_2d.py: Transformer2DModel, continuous input.

/// The spatial transformer of a U-Net level: GroupNorm (ε 1e-6), proj_in (1×1 conv in SD 1.x,
/// linear in SD 2.x — the same map, applied here to tokens), the transformer blocks over the
/// H·W tokens, proj_out, plus the input.
struct UNetTransformer2D {
    let norm: UNetGroupNorm
    let projIn: UNetLinear
    let blocks: [UNetTransformerBlock]
    let projOut: UNetLinear

    init(
        _ p: UNetParameters, channels: Int, heads: Int, contextDim: Int, layers: Int, groups: Int,
        linearProjection: Bool
    ) throws {
        norm = try UNetGroupNorm(p, "norm", groups: groups, channels: channels, epsilon: 1e-6)
        if linearProjection {
            projIn = try UNetLinear(p, "proj_in", in: channels, out: channels)
            projOut = try UNetLinear(p, "proj_out", in: channels, out: channels)
        } else {
            projIn = try UNetLinear(conv1x1: p, "proj_in", in: channels, out: channels)
            projOut = try UNetLinear(conv1x1: p, "proj_out", in: channels, out: channels)
        }
        blocks = try (0..<layers).map {
            try UNetTransformerBlock(
                p.scoped("transformer_blocks.\($0)"), dim: channels, contextDim: contextDim, heads: heads)
        }
    }

    /// x: [N, C, H, W], context: [N, Lc, Cc] → [N, C, H, W]
    func callAsFunction(_ x: Tensor, context: Tensor, _ backend: any Backend) -> Tensor {
        let (height, width) = (x.shape[2], x.shape[3])
        var tokens = projIn(backend.imageToTokens(norm(x, backend)), backend)  // [N, H·W, C]
        for block in blocks {
            tokens = block(tokens, context: context, backend)
        }
        let out = backend.tokensToImage(projOut(tokens, backend), height: height, width: width)
        return backend.add(out, x)
    }
}

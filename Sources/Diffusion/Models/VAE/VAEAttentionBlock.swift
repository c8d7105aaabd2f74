// Follows diffusers' Attention as built by UNetMidBlock2D for the VAE (models/attention_processor.py):
// one head as wide as the channels, group norm in front, residual connection.

/// Single-head self-attention over the pixels of a feature map.
struct VAEAttentionBlock: Sendable {
    let groupNorm: GroupNorm
    let toQ: Linear, toK: Linear, toV: Linear, toOut: Linear

    init(_ loader: WeightLoader, channels c: Int, groups: Int) throws {
        groupNorm = try GroupNorm(loader, "group_norm", groups: groups, channels: c, epsilon: 1e-6)
        toQ = try Linear(loader, "to_q", in: c, out: c)
        toK = try Linear(loader, "to_k", in: c, out: c)
        toV = try Linear(loader, "to_v", in: c, out: c)
        toOut = try Linear(loader, "to_out.0", in: c, out: c)
    }

    // x: [N, C, H, W] → [N, C, H, W]
    func callAsFunction(_ x: Tensor, _ b: any Backend) -> Tensor {
        let (h, w) = (x.shape[2], x.shape[3])
        let tokens = b.imageToTokens(groupNorm(x, b))  // [N, H·W, C]
        let attended = b.attention(
            query: toQ(tokens, b), key: toK(tokens, b), value: toV(tokens, b), heads: 1, causal: false)
        return b.add(x, b.tokensToImage(toOut(attended, b), height: h, width: w))
    }
}

/// diffusers' UNetMidBlock2D as the VAE uses it: ResNet, attention, ResNet.
struct VAEMidBlock: Sendable {
    let resnet1: VAEResnetBlock, attention: VAEAttentionBlock?, resnet2: VAEResnetBlock

    init(_ loader: WeightLoader, channels c: Int, groups: Int, attention hasAttention: Bool) throws {
        resnet1 = try loader.scope("resnets.0") { try VAEResnetBlock(loader, in: c, out: c, groups: groups) }
        attention =
            hasAttention
            ? try loader.scope("attentions.0") { try VAEAttentionBlock(loader, channels: c, groups: groups) }
            : nil
        resnet2 = try loader.scope("resnets.1") { try VAEResnetBlock(loader, in: c, out: c, groups: groups) }
    }

    // x: [N, C, H, W] → same
    func callAsFunction(_ x: Tensor, _ b: any Backend) -> Tensor {
        var h = resnet1(x, b)
        if let attention { h = attention(h, b) }
        return resnet2(h, b)
    }
}

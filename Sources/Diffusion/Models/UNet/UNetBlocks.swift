// Follows diffusers/models/unets/unet_2d_blocks.py: CrossAttnDownBlock2D / DownBlock2D,
// UNetMidBlock2DCrossAttn, CrossAttnUpBlock2D / UpBlock2D.

/// One down level: `layers` ResNets (each followed by a Transformer2DModel in a
/// CrossAttnDownBlock2D), then a stride-2 Downsample2D except on the last level. Every
/// ResNet/attention output and the down-sampled output are pushed as skip connections.
struct UNetDownBlock {
    let resnets: [UNetResnetBlock]
    let attentions: [UNetTransformer2D]
    let downsampler: UNetDownsample?

    /// x: [N, Cin, H, W] → [N, Cout, ⌈H/2⌉, ⌈W/2⌉] (H, W on the last level); skips grow by
    /// layers (+1 with the down-sampler).
    func callAsFunction(
        _ x: Tensor, timeActivated: Tensor, context: Tensor, skips: inout [Tensor],
        _ backend: any Backend
    ) -> Tensor {
        var h = x
        for (i, resnet) in resnets.enumerated() {
            h = resnet(h, timeActivated: timeActivated, backend)
            if !attentions.isEmpty { h = attentions[i](h, context: context, backend) }
            skips.append(h)
        }
        if let downsampler {
            h = downsampler(h, backend)
            skips.append(h)
        }
        return h
    }
}

/// The bottom of the U: ResNet, then (Transformer2DModel, ResNet) pairs; the ResNets divide
/// their output by `mid_block_scale_factor`.
struct UNetMidBlock {
    let resnets: [UNetResnetBlock]
    let attentions: [UNetTransformer2D]

    /// x: [N, C, h, w] → [N, C, h, w]
    func callAsFunction(_ x: Tensor, timeActivated: Tensor, context: Tensor, _ backend: any Backend) -> Tensor
    {
        var h = resnets[0](x, timeActivated: timeActivated, backend)
        for (attention, resnet) in zip(attentions, resnets.dropFirst()) {
            h = attention(h, context: context, backend)
            h = resnet(h, timeActivated: timeActivated, backend)
        }
        return h
    }
}

/// One up level: `layers + 1` ResNets, each fed the running tensor concatenated (channels)
/// with the most recent skip connection (and followed by a Transformer2DModel in a
/// CrossAttnUpBlock2D), then an Upsample2D except on the last level.
struct UNetUpBlock {
    let resnets: [UNetResnetBlock]
    let attentions: [UNetTransformer2D]
    let upsampler: UNetUpsample?

    /// x: [N, Cprev, h, w] → [N, Cout, size] (size: 2h × 2w unless forwarded; h × w on the
    /// last level); consumes resnets.count skips from the end of `skips`.
    func callAsFunction(
        _ x: Tensor, timeActivated: Tensor, context: Tensor, skips: inout [Tensor],
        upsampleSize: (height: Int, width: Int)?, _ backend: any Backend
    ) -> Tensor {
        var h = x
        for (i, resnet) in resnets.enumerated() {
            let skip = skips.removeLast()
            h = resnet(backend.concatChannels(h, skip), timeActivated: timeActivated, backend)
            if !attentions.isEmpty { h = attentions[i](h, context: context, backend) }
        }
        if let upsampler { h = upsampler(h, size: upsampleSize, backend) }
        return h
    }
}

// Follows diffusers' Encoder (models/autoencoders/vae.py) with DownEncoderBlock2D levels.

/// Image → latent moments (mean and log-variance stacked on the channel axis).
struct VAEEncoder: Sendable {
    struct Level: Sendable {
        let resnets: [VAEResnetBlock]
        let downsample: Conv2d?
    }
    let convIn: Conv2d
    let levels: [Level]
    let mid: VAEMidBlock
    let normOut: GroupNorm
    let convOut: Conv2d

    init(_ loader: WeightLoader, config c: AutoencoderKLConfig) throws {
        let ch = c.blockOutChannels, g = c.normGroups
        convIn = try Conv2d(loader, "conv_in", in: c.inChannels, out: ch[0], kernel: 3, padding: Padding2D(1))
        var levels: [Level] = []
        var width = ch[0]
        for (i, out) in ch.enumerated() {
            levels.append(
                try loader.scope("down_blocks.\(i)") {
                    var resnets: [VAEResnetBlock] = []
                    for j in 0..<c.layersPerBlock {
                        resnets.append(
                            try loader.scope("resnets.\(j)") {
                                try VAEResnetBlock(loader, in: j == 0 ? width : out, out: out, groups: g)
                            })
                    }
                    // diffusers pads bottom and right by one, then convolves 3×3 with stride 2.
                    let down =
                        i == ch.count - 1
                        ? nil
                        : try Conv2d(
                            loader, "downsamplers.0.conv", in: out, out: out, kernel: 3, stride: 2,
                            padding: Padding2D(top: 0, left: 0, bottom: 1, right: 1))
                    return Level(resnets: resnets, downsample: down)
                })
            width = out
        }
        self.levels = levels
        mid = try loader.scope("mid_block") {
            try VAEMidBlock(loader, channels: width, groups: g, attention: c.midBlockAttention)
        }
        normOut = try GroupNorm(loader, "conv_norm_out", groups: g, channels: width, epsilon: 1e-6)
        convOut = try Conv2d(
            loader, "conv_out", in: width, out: 2 * c.latentChannels, kernel: 3, padding: Padding2D(1))
    }

    // x: [N, inChannels, H, W] → [N, 2·latent, H/f, W/f]
    func callAsFunction(_ x: Tensor, _ b: any Backend) -> Tensor {
        var h = convIn(x, b)
        for level in levels {
            for resnet in level.resnets { h = resnet(h, b) }
            if let down = level.downsample { h = down(h, b) }
        }
        h = mid(h, b)
        return convOut(normOut(h, b, silu: true), b)
    }
}

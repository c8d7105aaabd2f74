// Follows diffusers' Decoder (models/autoencoders/vae.py) with UpDecoderBlock2D levels.

/// Latent → image.
struct VAEDecoder: Sendable {
    struct Level: Sendable {
        let resnets: [VAEResnetBlock]
        let upsample: Conv2d?
    }
    let convIn: Conv2d
    let mid: VAEMidBlock
    let levels: [Level]
    let normOut: GroupNorm
    let convOut: Conv2d

    init(_ loader: WeightLoader, config c: AutoencoderKLConfig) throws {
        let reversed = Array(c.blockOutChannels.reversed()), g = c.normGroups
        convIn = try Conv2d(
            loader, "conv_in", in: c.latentChannels, out: reversed[0], kernel: 3, padding: Padding2D(1))
        mid = try loader.scope("mid_block") {
            try VAEMidBlock(loader, channels: reversed[0], groups: g, attention: c.midBlockAttention)
        }
        var levels: [Level] = []
        var width = reversed[0]
        for (i, out) in reversed.enumerated() {
            levels.append(
                try loader.scope("up_blocks.\(i)") {
                    var resnets: [VAEResnetBlock] = []
                    for j in 0...c.layersPerBlock {
                        resnets.append(
                            try loader.scope("resnets.\(j)") {
                                try VAEResnetBlock(loader, in: j == 0 ? width : out, out: out, groups: g)
                            })
                    }
                    let up =
                        i == reversed.count - 1
                        ? nil
                        : try Conv2d(
                            loader, "upsamplers.0.conv", in: out, out: out, kernel: 3, padding: Padding2D(1))
                    return Level(resnets: resnets, upsample: up)
                })
            width = out
        }
        self.levels = levels
        normOut = try GroupNorm(loader, "conv_norm_out", groups: g, channels: width, epsilon: 1e-6)
        convOut = try Conv2d(
            loader, "conv_out", in: width, out: c.outChannels, kernel: 3, padding: Padding2D(1))
    }

    // z: [N, latent, h, w] → [N, outChannels, h·f, w·f]
    func callAsFunction(_ z: Tensor, _ b: any Backend) -> Tensor {
        var h = mid(convIn(z, b), b)
        for level in levels {
            for resnet in level.resnets { h = resnet(h, b) }
            if let up = level.upsample { h = up(b.upsampleNearest2x(h), b) }
        }
        return convOut(normOut(h, b, silu: true), b)
    }
}

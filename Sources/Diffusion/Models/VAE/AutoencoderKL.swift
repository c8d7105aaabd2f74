// Follows diffusers' AutoencoderKL (models/autoencoders/autoencoder_kl.py).

/// The VAE: `decode` maps latents to images in [-1, 1] (roughly), `encode` maps images to the
/// latent distribution. Scaling by `config.scalingFactor` is the caller's (the pipeline's) job,
/// as in diffusers: decode(latents / scalingFactor), encode(image).mean × scalingFactor.
public struct AutoencoderKL: Sendable {
    public let config: AutoencoderKLConfig
    let encoder: VAEEncoder
    let decoder: VAEDecoder
    let quantConv: Conv2d
    let postQuantConv: Conv2d

    /// The latent distribution of `encode`: diagonal Gaussian.
    public struct LatentDistribution: Sendable {
        /// [N, latent, h, w]
        public let mean: Tensor
        /// log σ², clamped to [−30, 20] as diffusers does. [N, latent, h, w]
        public let logVariance: Tensor
    }

    /// Loads weights named as in diffusers ("decoder.up_blocks.0.resnets.0.conv1.weight").
    public init(config: AutoencoderKLConfig, weights: WeightSource) throws {
        let loader = WeightLoader(weights)
        try self.init(config: config, loader: loader)
        try loader.finish()
    }

    /// Builds the model from `loader` (which the caller finishes).
    public init(config: AutoencoderKLConfig, loader: WeightLoader) throws {
        self.config = config
        let l = config.latentChannels
        encoder = try loader.scope("encoder") { try VAEEncoder(loader, config: config) }
        decoder = try loader.scope("decoder") { try VAEDecoder(loader, config: config) }
        quantConv = try Conv2d(loader, "quant_conv", in: 2 * l, out: 2 * l, kernel: 1)
        postQuantConv = try Conv2d(loader, "post_quant_conv", in: l, out: l, kernel: 1)
    }

    // latents: [N, latent, h, w] → image [N, out, h·f, w·f]
    public func decode(_ latents: Tensor, backend: any Backend) throws -> Tensor {
        guard latents.rank == 4, latents.shape[1] == config.latentChannels, latents.shape[2] > 0,
            latents.shape[3] > 0
        else {
            throw VAEError("decode expects latents [N, \(config.latentChannels), h, w], got \(latents.shape)")
        }
        return decoder(postQuantConv(latents, backend), backend)
    }

    // image: [N, in, H, W] (H, W multiples of the downsampling factor) → distribution over [N, latent, H/f, W/f]
    public func encode(_ image: Tensor, backend: any Backend) throws -> LatentDistribution {
        let f = config.downsamplingFactor
        guard image.rank == 4, image.shape[1] == config.inChannels, image.shape[2] % f == 0,
            image.shape[3] % f == 0,
            image.shape[2] > 0, image.shape[3] > 0
        else {
            throw VAEError(
                "encode expects an image [N, \(config.inChannels), H, W] with H, W multiples of \(f), got \(image.shape)"
            )
        }
        let moments = quantConv(encoder(image, backend), backend)
        let (n, h, w) = (moments.shape[0], moments.shape[2], moments.shape[3])
        let l = config.latentChannels
        var mean = Tensor(uninitialized: [n, l, h, w])
        var logVariance = Tensor(uninitialized: [n, l, h, w])
        let plane = l * h * w
        moments.withUnsafeBufferPointer { m in
            mean.withUnsafeMutableBufferPointer { mp in
                logVariance.withUnsafeMutableBufferPointer { lp in
                    for i in 0..<n {
                        (mp.baseAddress! + i * plane).update(
                            from: m.baseAddress! + 2 * i * plane, count: plane)
                        for k in 0..<plane {
                            lp[i * plane + k] = min(max(m[2 * i * plane + plane + k], -30), 20)
                        }
                    }
                }
            }
        }
        return LatentDistribution(mean: mean, logVariance: logVariance)
    }
}

/// Bad input to the VAE (shapes).
public struct VAEError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = "VAE: " + description }
}

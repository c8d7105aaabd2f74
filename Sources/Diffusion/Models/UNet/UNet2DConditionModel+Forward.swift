// Follows diffusers/models/unets/unet_2d_condition.py: UNet2DConditionModel.forward.

extension UNet2DConditionModel {
    /// Predicts the noise for a batch.
    /// sample: [B, in_channels, h, w]; timesteps: B values (or 1, shared by the batch);
    /// context: [B, L, cross_attention_dim] → [B, out_channels, h, w].
    ///
    /// `observe`, when given, sees the intermediate tensors under the names the golden
    /// fixtures use: `time_embedding`, `down_blocks.i`, `mid_block`, `up_blocks.i`.
    public func predictNoise(
        sample: Tensor, timesteps: [Float], context: Tensor, backend: any Backend,
        observe: ((String, Tensor) -> Void)? = nil
    ) throws -> Tensor {
        try checkInputs(sample: sample, timesteps: timesteps, context: context)
        let batch = sample.shape[0]
        let (height, width) = (sample.shape[2], sample.shape[3])

        // 1. time: [B, C0] features → [B, T] embedding; every ResNet applies SiLU to it first.
        let steps = timesteps.count == batch ? timesteps : Array(repeating: timesteps[0], count: batch)
        let features = sinusoidalTimestepEmbedding(
            steps, dim: config.blockOutChannels[0],
            flipSinToCos: config.flipSinToCos, freqShift: config.freqShift)
        let temb = timeEmbedding(features, backend)
        observe?("time_embedding", temb)
        let timeActivated = backend.activation(temb, .silu)

        // diffusers forwards the skip sizes to the up-samplers when h or w is not a multiple of
        // the total down-sampling factor (the stride-2 convs rounded up on the way down).
        let factor = config.downsamplingFactor
        let forwardUpsampleSize = height % factor != 0 || width % factor != 0

        // 2. conv_in, 3. down: [B, C0, h, w] → [B, C_last, h/2^(L−1), w/2^(L−1)] (rounded up)
        var h = convIn(sample, backend)
        var skips = [h]
        for (i, block) in downBlocks.enumerated() {
            h = block(h, timeActivated: timeActivated, context: context, skips: &skips, backend)
            observe?("down_blocks.\(i)", h)
        }

        // 4. mid
        h = midBlock(h, timeActivated: timeActivated, context: context, backend)
        observe?("mid_block", h)

        // 5. up: back to [B, C0, h, w]
        for (i, block) in upBlocks.enumerated() {
            let remaining = skips.count - block.resnets.count
            var size: (height: Int, width: Int)? = nil
            if i < upBlocks.count - 1 && forwardUpsampleSize {
                let next = skips[remaining - 1]
                size = (next.shape[2], next.shape[3])
            }
            h = block(
                h, timeActivated: timeActivated, context: context, skips: &skips, upsampleSize: size, backend)
            observe?("up_blocks.\(i)", h)
        }

        // 6. out: GroupNorm → SiLU → conv_out: [B, out_channels, h, w]
        return convOut(convNormOut(h, silu: true, backend), backend)
    }

    private func checkInputs(sample: Tensor, timesteps: [Float], context: Tensor) throws {
        func fail(_ message: String) -> UNetError { UNetError("U-Net input", message) }
        guard sample.rank == 4 else { throw fail("latents must be [B, C, h, w], got shape \(sample.shape)") }
        let (batch, channels, height, width) = (
            sample.shape[0], sample.shape[1], sample.shape[2], sample.shape[3]
        )
        guard channels == config.inChannels else {
            throw fail("latents have \(channels) channels, the model takes \(config.inChannels)")
        }
        guard batch >= 1, batch <= Self.maxBatch else {
            throw fail("batch of \(batch) latents is outside 1…\(Self.maxBatch)")
        }
        guard height >= 1, width >= 1, height <= Self.maxLatentSide, width <= Self.maxLatentSide else {
            throw fail("latent size \(height)×\(width) is outside 1…\(Self.maxLatentSide)")
        }
        guard timesteps.count == batch || timesteps.count == 1 else {
            throw fail("\(timesteps.count) timesteps for a batch of \(batch) (give one, or one per latent)")
        }
        guard timesteps.allSatisfy({ $0.isFinite }) else {
            throw fail("timesteps must be finite, got \(timesteps)")
        }
        guard context.rank == 3, context.shape[0] == batch else {
            throw fail("context must be [\(batch), L, C] for \(batch) latents, got shape \(context.shape)")
        }
        guard context.shape[1] >= 1 else { throw fail("context has no tokens") }
        // Levels with attention (and the mid block, on the last level) read the context.
        for level in 0..<config.levels
        where config.downBlockTypes[level] == .crossAttention || level == config.levels - 1 {
            let dim = config.crossAttentionDim[level]
            guard dim == context.shape[2] else {
                throw fail(
                    "context width \(context.shape[2]) differs from cross_attention_dim \(dim) of level \(level)"
                )
            }
        }
    }
}

extension UNetConfig {
    /// Detected from tensor names and shapes (diffusers names, as a single file's U-Net is
    /// presented). Not visible in shapes, so taken from the SD family: 32 norm groups (or, for
    /// small models whose widths 32 does not divide, the largest common divisor ≤ 32), ε 1e-5,
    /// flip_sin_to_cos, freq_shift 0; 64-wide heads for a 1024-wide context (SD 2.x), otherwise
    /// 8 heads per level (SD 1.x and diffusers' default); no sample size.
    public init(detectingFrom w: WeightSource) throws {
        self.init()
        var channels: [Int] = []
        while let s = w.info("down_blocks.\(channels.count).resnets.0.conv1.weight")?.shape {
            channels.append(s[0])
        }
        guard !channels.isEmpty, let convIn = w.info("conv_in.weight")?.shape,
            let convOut = w.info("conv_out.weight")?.shape,
            convIn.count == 4, convOut.count == 4
        else {
            throw CheckpointError(file: w.origin, "no U-Net (conv_in, down_blocks.0.resnets.0) found")
        }
        let levels = channels.count
        func count(_ make: (Int) -> String) -> Int {
            var n = 0
            while w.contains(make(n)) { n += 1 }
            return n
        }
        blockOutChannels = channels
        normNumGroups = largestCommonGroupCount(channels)
        layersPerBlock = (0..<levels).map { level in
            count { "down_blocks.\(level).resnets.\($0).conv1.weight" }
        }
        downBlockTypes = (0..<levels).map {
            w.contains("down_blocks.\($0).attentions.0.norm.weight") ? .crossAttention : .plain
        }
        upBlockTypes = (0..<levels).map {
            w.contains("up_blocks.\($0).attentions.0.norm.weight") ? .crossAttention : .plain
        }
        inChannels = convIn[1]
        outChannels = convOut[0]
        convInKernel = convIn[2]
        convOutKernel = convOut[2]
        timeEmbeddingDim = w.info("time_embedding.linear_1.weight")?.shape[0]
        if timeEmbeddingDim == channels[0] * 4 { timeEmbeddingDim = nil }
        sampleSize = nil

        // Per level: the attention of the down level, or of the mirrored up level, or the mid block.
        let (down, up) = (downBlockTypes, upBlockTypes)
        func attentionPrefix(_ level: Int) -> String? {
            if down[level] == .crossAttention { return "down_blocks.\(level).attentions.0." }
            if up[levels - 1 - level] == .crossAttention {
                return "up_blocks.\(levels - 1 - level).attentions.0."
            }
            return level == levels - 1 ? "mid_block.attentions.0." : nil
        }
        guard let any = (0..<levels).compactMap(attentionPrefix).first,
            let toK = w.info(any + "transformer_blocks.0.attn2.to_k.weight")?.shape, toK.count == 2,
            let projIn = w.info(any + "proj_in.weight")?.shape
        else {
            throw CheckpointError(file: w.origin, "no U-Net cross-attention found")
        }
        let context = toK[1]
        crossAttentionDim = Array(repeating: context, count: levels)
        useLinearProjection = projIn.count == 2
        transformerLayersPerBlock = (0..<levels).map { level in
            guard let prefix = attentionPrefix(level) else { return 1 }
            return max(1, count { prefix + "transformer_blocks.\($0).attn1.to_q.weight" })
        }
        attentionHeads = channels.map { context == 1024 ? max(1, $0 / 64) : 8 }
        do {
            try validate(source: w.origin)
        } catch {
            throw CheckpointError(file: w.origin, "detected U-Net architecture is not usable: \(error)")
        }
    }
}

/// 32 when every width divides by it (all SD models), otherwise the largest count ≤ 32 that
/// divides every width: a guess for small models, which a config file should settle.
func largestCommonGroupCount(_ widths: [Int]) -> Int {
    (1...32).reversed().first { g in widths.allSatisfy { $0 % g == 0 } } ?? 1
}

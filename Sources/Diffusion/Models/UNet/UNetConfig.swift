/// Architecture of a U-Net (diffusers' `UNet2DConditionModel` config), SD 1.x/2.x family.
public struct UNetConfig: Sendable, Equatable {
    public var inChannels: Int
    public var outChannels: Int
    public var sampleSize: Int
    public var blockOutChannels: [Int]
    public var layersPerBlock: Int
    /// Per level: whether the down block has cross-attention transformers.
    public var downAttention: [Bool]
    /// Per level (in up order, deepest first): whether the up block has transformers.
    public var upAttention: [Bool]
    public var crossAttentionDim: Int
    /// Heads per level (diffusers' `attention_head_dim`, which SD 1.x uses as the head count).
    public var heads: [Int]
    public var normGroups: Int
    public var normEpsilon: Float
    /// proj_in/proj_out as linear layers (SD 2.x) instead of 1×1 convolutions (SD 1.x).
    public var useLinearProjection: Bool
    public var transformerLayersPerBlock: Int

    /// SD 1.x's U-Net.
    public static let sd15 = UNetConfig(
        inChannels: 4, outChannels: 4, sampleSize: 64, blockOutChannels: [320, 640, 1280, 1280], layersPerBlock: 2,
        downAttention: [true, true, true, false], upAttention: [false, true, true, true], crossAttentionDim: 768,
        heads: [8, 8, 8, 8], normGroups: 32, normEpsilon: 1e-5, useLinearProjection: false, transformerLayersPerBlock: 1)

    public init(inChannels: Int, outChannels: Int, sampleSize: Int, blockOutChannels: [Int], layersPerBlock: Int,
                downAttention: [Bool], upAttention: [Bool], crossAttentionDim: Int, heads: [Int], normGroups: Int,
                normEpsilon: Float, useLinearProjection: Bool, transformerLayersPerBlock: Int) {
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.sampleSize = sampleSize
        self.blockOutChannels = blockOutChannels
        self.layersPerBlock = layersPerBlock
        self.downAttention = downAttention
        self.upAttention = upAttention
        self.crossAttentionDim = crossAttentionDim
        self.heads = heads
        self.normGroups = normGroups
        self.normEpsilon = normEpsilon
        self.useLinearProjection = useLinearProjection
        self.transformerLayersPerBlock = transformerLayersPerBlock
    }

    /// From `unet/config.json`.
    public init(json: ConfigJSON) throws {
        let channels = try json.ints("block_out_channels", default: [320, 640, 1280, 1280])
        let down = try json.strings("down_block_types", default: ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"])
        let up = try json.strings("up_block_types", default: ["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"])
        guard !channels.isEmpty, down.count == channels.count, up.count == channels.count,
              down.allSatisfy({ $0 == "CrossAttnDownBlock2D" || $0 == "DownBlock2D" }),
              up.allSatisfy({ $0 == "CrossAttnUpBlock2D" || $0 == "UpBlock2D" }) else {
            throw CheckpointError(file: json.path, "unsupported U-Net blocks \(down) / \(up) for \(channels.count) levels")
        }
        let midType = try json.string("mid_block_type", default: "UNetMidBlock2DCrossAttn")
        guard midType == "UNetMidBlock2DCrossAttn" else { throw CheckpointError(file: json.path, "unsupported mid_block_type \(midType)") }
        let layers = try json.int("layers_per_block", default: 2)
        let transformerLayers = try json.int("transformer_layers_per_block", default: 1)
        // diffusers: num_attention_heads, when given, wins; else attention_head_dim is the head count.
        let heads = json.has("num_attention_heads")
            ? try json.intOrInts("num_attention_heads", count: channels.count)
            : try json.intOrInts("attention_head_dim", count: channels.count, default: 8)
        self.init(
            inChannels: try json.int("in_channels", default: 4), outChannels: try json.int("out_channels", default: 4),
            sampleSize: try json.int("sample_size", default: 64), blockOutChannels: channels, layersPerBlock: layers,
            downAttention: down.map { $0.hasPrefix("CrossAttn") }, upAttention: up.map { $0.hasPrefix("CrossAttn") },
            crossAttentionDim: try json.int("cross_attention_dim", default: 1280), heads: heads,
            normGroups: try json.int("norm_num_groups", default: 32), normEpsilon: try json.float("norm_eps", default: 1e-5),
            useLinearProjection: try json.bool("use_linear_projection", default: false), transformerLayersPerBlock: transformerLayers)
        for (i, c) in channels.enumerated() where heads[i] <= 0 || c % heads[i] != 0 {
            throw CheckpointError(file: json.path, "level \(i): \(c) channels not divisible by \(heads[i]) heads")
        }
    }

    /// Detected from tensor names and shapes (diffusers names). Not visible in shapes, so taken
    /// from the SD family: 32 norm groups; 64-wide heads for a 1024-wide context (SD 2.x),
    /// otherwise 8 heads per level (SD 1.x, and diffusers' default); sample size 64.
    public init(detectingFrom w: WeightSource) throws {
        var channels: [Int] = []
        while let s = w.info("down_blocks.\(channels.count).resnets.0.conv1.weight")?.shape { channels.append(s[0]) }
        var layers = 0
        while w.contains("down_blocks.0.resnets.\(layers).conv1.weight") { layers += 1 }
        guard !channels.isEmpty, layers > 0, let convIn = w.info("conv_in.weight")?.shape,
              let convOut = w.info("conv_out.weight")?.shape else {
            throw CheckpointError(file: w.origin, "no U-Net found")
        }
        let down = channels.indices.map { w.contains("down_blocks.\($0).attentions.0.norm.weight") }
        let up = channels.indices.map { w.contains("up_blocks.\($0).attentions.0.norm.weight") }
        guard let level = down.firstIndex(of: true),
              let toK = w.info("down_blocks.\(level).attentions.0.transformer_blocks.0.attn2.to_k.weight")?.shape,
              let projIn = w.info("down_blocks.\(level).attentions.0.proj_in.weight")?.shape else {
            throw CheckpointError(file: w.origin, "no U-Net cross-attention found")
        }
        var transformerLayers = 0
        while w.contains("down_blocks.\(level).attentions.0.transformer_blocks.\(transformerLayers).attn1.to_q.weight") {
            transformerLayers += 1
        }
        let context = toK[1]
        let heads = channels.map { context == 1024 ? max(1, $0 / 64) : 8 }
        self.init(inChannels: convIn[1], outChannels: convOut[0], sampleSize: 64, blockOutChannels: channels, layersPerBlock: layers,
                  downAttention: down, upAttention: up, crossAttentionDim: context, heads: heads, normGroups: 32,
                  normEpsilon: 1e-5, useLinearProjection: projIn.count == 2, transformerLayersPerBlock: transformerLayers)
    }
}

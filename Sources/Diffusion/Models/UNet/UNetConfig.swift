// Follows diffusers/models/unets/unet_2d_condition.py, UNet2DConditionModel.__init__ arguments.

/// The architecture of a UNet2DConditionModel as diffusers' `unet/config.json` describes it,
/// with the per-level lists resolved (an int in the JSON means the same value for every
/// level). Only the SD 1.x / 2.x family is accepted: positional time embedding, ResNet +
/// Transformer2D down/up blocks, the cross-attention mid block. Anything else is rejected by
/// `validate()` with the key that is not supported.
public struct UNetConfig: Sendable, Equatable {
    public enum DownBlockKind: String, Sendable {
        case crossAttention = "CrossAttnDownBlock2D", plain = "DownBlock2D"
    }
    public enum UpBlockKind: String, Sendable {
        case crossAttention = "CrossAttnUpBlock2D", plain = "UpBlock2D"
    }

    public var inChannels = 4
    public var outChannels = 4
    /// The latent size the model was trained at (64 for SD 1.x), as [height, width].
    public var sampleSize: [Int]? = nil
    public var flipSinToCos = true
    public var freqShift = 0
    public var downBlockTypes: [DownBlockKind] = [.crossAttention, .crossAttention, .crossAttention, .plain]
    public var upBlockTypes: [UpBlockKind] = [.plain, .crossAttention, .crossAttention, .crossAttention]
    public var blockOutChannels = [320, 640, 1280, 1280]
    /// ResNets per down level (the up levels have one more), in down order.
    public var layersPerBlock = [2, 2, 2, 2]
    public var midBlockScaleFactor: Float = 1
    public var normNumGroups = 32
    public var normEpsilon: Float = 1e-5
    /// Context width per level, in down order.
    public var crossAttentionDim = [768, 768, 768, 768]
    /// Transformer blocks per Transformer2DModel, per level in down order.
    public var transformerLayersPerBlock = [1, 1, 1, 1]
    /// Attention heads per level, in down order. diffusers' SD 1.x configs write this as
    /// `attention_head_dim` (the value is really the number of heads: 8); `num_attention_heads`
    /// wins when present.
    public var attentionHeads = [8, 8, 8, 8]
    /// UNetTransformer2D proj_in/proj_out as UNetLinear (SD 2.x) instead of 1×1 Conv (SD 1.x).
    public var useLinearProjection = false
    public var convInKernel = 3
    public var convOutKernel = 3
    /// Width of the time embedding MLP; diffusers: `time_embedding_dim` or 4 × first channels.
    public var timeEmbeddingDim: Int? = nil

    public init() {}

    /// SD 1.x (1.4, 1.5 and their fine-tunes).
    public static let stableDiffusion1 = UNetConfig()

    public var levels: Int { blockOutChannels.count }
    public var timeEmbedDim: Int { timeEmbeddingDim ?? blockOutChannels[0] * 4 }
    /// Total down-sampling factor: 2^(levels − 1).
    public var downsamplingFactor: Int { 1 << (levels - 1) }

    /// Checks that every per-level list has one entry per level and that the shapes divide
    /// (groups into channels, heads into channels). `source` names the file in the error.
    public func validate(source: String) throws {
        func fail(_ message: String) -> UNetError { UNetError(source, message) }
        guard levels >= 1 else { throw fail("block_out_channels is empty") }
        for (name, count) in [
            ("down_block_types", downBlockTypes.count), ("up_block_types", upBlockTypes.count),
            ("layers_per_block", layersPerBlock.count), ("cross_attention_dim", crossAttentionDim.count),
            ("transformer_layers_per_block", transformerLayersPerBlock.count),
            ("attention_head_dim / num_attention_heads", attentionHeads.count),
        ] where count != levels {
            throw fail(
                "\(name) has \(count) entries for \(levels) levels (block_out_channels \(blockOutChannels))")
        }
        guard inChannels > 0, outChannels > 0 else {
            throw fail("in_channels and out_channels must be positive")
        }
        guard normNumGroups > 0 else { throw fail("norm_num_groups must be positive") }
        for c in blockOutChannels where c <= 0 || c % normNumGroups != 0 {
            throw fail(
                "block_out_channels \(blockOutChannels): \(c) is not a positive multiple of norm_num_groups \(normNumGroups)"
            )
        }
        for level in 0..<levels {
            guard layersPerBlock[level] >= 1 else { throw fail("layers_per_block must be at least 1") }
            guard transformerLayersPerBlock[level] >= 1 else {
                throw fail("transformer_layers_per_block must be at least 1")
            }
            guard crossAttentionDim[level] >= 1 else { throw fail("cross_attention_dim must be positive") }
            let heads = attentionHeads[level]
            guard heads >= 1, blockOutChannels[level] % heads == 0 else {
                throw fail(
                    "level \(level): \(blockOutChannels[level]) channels do not split into \(heads) attention heads"
                )
            }
        }
        for k in [convInKernel, convOutKernel] where k < 1 || k % 2 == 0 {
            throw fail("conv_in_kernel / conv_out_kernel must be odd, got \(k)")
        }
        if let sampleSize, sampleSize.count != 2 || sampleSize.contains(where: { $0 < 1 }) {
            throw fail("sample_size \(sampleSize) is not a positive size")
        }
        if let timeEmbeddingDim, timeEmbeddingDim < 1 { throw fail("time_embedding_dim must be positive") }
        guard !blockOutChannels.isEmpty, blockOutChannels[0] >= 2 else {
            throw fail("block_out_channels[0] must be at least 2 (the timestep embedding width)")
        }
    }
}

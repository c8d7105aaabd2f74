/// Architecture of a VAE (diffusers' `AutoencoderKL` config).
public struct AutoencoderKLConfig: Sendable, Equatable {
    public var inChannels: Int
    public var outChannels: Int
    public var latentChannels: Int
    public var blockOutChannels: [Int]
    public var layersPerBlock: Int
    public var normGroups: Int
    public var scalingFactor: Float
    public var midBlockAttention: Bool

    /// The VAE of SD 1.x.
    public static let sd15 = AutoencoderKLConfig(
        inChannels: 3, outChannels: 3, latentChannels: 4, blockOutChannels: [128, 256, 512, 512],
        layersPerBlock: 2, normGroups: 32, scalingFactor: 0.18215, midBlockAttention: true)

    public init(
        inChannels: Int, outChannels: Int, latentChannels: Int, blockOutChannels: [Int], layersPerBlock: Int,
        normGroups: Int, scalingFactor: Float, midBlockAttention: Bool
    ) {
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.latentChannels = latentChannels
        self.blockOutChannels = blockOutChannels
        self.layersPerBlock = layersPerBlock
        self.normGroups = normGroups
        self.scalingFactor = scalingFactor
        self.midBlockAttention = midBlockAttention
    }

    /// Spatial factor between image and latent (8 for SD).
    public var downsamplingFactor: Int { 1 << (blockOutChannels.count - 1) }

    /// From `vae/config.json`.
    public init(json: ConfigJSON) throws {
        let channels = try json.ints("block_out_channels", default: [64])
        let down = try json.strings(
            "down_block_types", default: Array(repeating: "DownEncoderBlock2D", count: channels.count))
        let up = try json.strings(
            "up_block_types", default: Array(repeating: "UpDecoderBlock2D", count: channels.count))
        guard !channels.isEmpty, down.count == channels.count, up.count == channels.count,
            down.allSatisfy({ $0 == "DownEncoderBlock2D" }), up.allSatisfy({ $0 == "UpDecoderBlock2D" })
        else {
            throw CheckpointError(
                file: json.path, "unsupported VAE blocks \(down) / \(up) for \(channels.count) levels")
        }
        self.init(
            inChannels: try json.int("in_channels", default: 3),
            outChannels: try json.int("out_channels", default: 3),
            latentChannels: try json.int("latent_channels", default: 4), blockOutChannels: channels,
            layersPerBlock: try json.int("layers_per_block", default: 1),
            normGroups: try json.int("norm_num_groups", default: 32),
            scalingFactor: try json.float("scaling_factor", default: 0.18215),
            midBlockAttention: try json.bool("mid_block_add_attention", default: true))
    }

    /// Detected from tensor names and shapes (diffusers names). Norm groups (32, see
    /// `largestCommonGroupCount`) and the scaling factor (0.18215) are SD 1.x's: shapes do not
    /// show them.
    public init(detectingFrom w: WeightSource) throws {
        var channels: [Int] = []
        while let shape = w.info("encoder.down_blocks.\(channels.count).resnets.0.conv1.weight")?.shape {
            channels.append(shape[0])
        }
        var layers = 0
        while w.contains("encoder.down_blocks.0.resnets.\(layers).conv1.weight") { layers += 1 }
        guard !channels.isEmpty, layers > 0,
            let convIn = w.info("encoder.conv_in.weight")?.shape,
            let decIn = w.info("decoder.conv_in.weight")?.shape,
            let decOut = w.info("decoder.conv_out.weight")?.shape
        else { throw CheckpointError(file: w.origin, "no VAE encoder/decoder found") }
        self.init(
            inChannels: convIn[1], outChannels: decOut[0], latentChannels: decIn[1],
            blockOutChannels: channels,
            layersPerBlock: layers, normGroups: largestCommonGroupCount(channels), scalingFactor: 0.18215,
            midBlockAttention: w.contains("decoder.mid_block.attentions.0.to_q.weight"))
    }
}

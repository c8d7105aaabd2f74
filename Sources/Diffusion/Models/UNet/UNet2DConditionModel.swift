// Follows diffusers/models/unets/unet_2d_condition.py: UNet2DConditionModel (SD 1.x/2.x configurations).

/// The noise-prediction U-Net: sinusoidal timestep features → time MLP; conv_in; down levels
/// (ResNets, cross-attention transformers, stride-2 convs) pushing skip connections; the mid
/// block; up levels concatenating the skips back in and up-sampling; GroupNorm → SiLU →
/// conv_out.
public struct UNet2DConditionModel: Sendable {
    public let config: UNetConfig
    let timeEmbedding: UNetTimeEmbedding
    let convIn: UNetConv2D
    let downBlocks: [UNetDownBlock]
    let midBlock: UNetMidBlock
    let upBlocks: [UNetUpBlock]
    let convNormOut: UNetGroupNorm
    let convOut: UNetConv2D

    /// Largest accepted latent side (8192 pixels) and batch, checked before any allocation.
    public static let maxLatentSide = 1024
    public static let maxBatch = 256

    /// Builds the model from `config`, reading every parameter by its diffusers key through
    /// `parameter` (which throws for a missing tensor); shapes are checked against the config.
    /// `source` names the checkpoint in errors.
    public init(config: UNetConfig, source: String, parameter: @escaping (String) throws -> Tensor) throws {
        try config.validate(source: source)
        try self.init(validated: config, UNetParameters(source: source) { key, _ in try parameter(key) })
    }

    /// Builds the model through a `WeightLoader` (diffusers names): `.load` reads and checks
    /// every tensor, `.audit` records missing and misshapen ones in `loader.problems` (the model
    /// it returns holds placeholders and must not be run). Call `loader.finish()` afterwards to
    /// find unexpected tensors.
    public init(config: UNetConfig, loader: WeightLoader) throws {
        let source = loader.source.origin
        try config.validate(source: source)
        try self.init(
            validated: config,
            UNetParameters(source: source, isAudit: loader.mode == .audit) { key, shape in
                try loader.tensor(key, shape: shape)
            })
    }

    /// Loads every tensor of `weights` (a checkpoint's U-Net under diffusers names, from either
    /// layout); a missing, misshapen or unexpected tensor is an error naming it.
    public init(config: UNetConfig, weights: WeightSource) throws {
        let loader = WeightLoader(weights)
        try self.init(config: config, loader: loader)
        try loader.finish()
    }

    /// Builds the model with parameters made by `parameter(key, shape)` for the shape the
    /// configuration implies (random weights for benchmarks).
    init(
        config: UNetConfig, source: String,
        makingParameters parameter: @escaping (String, [Int]) throws -> Tensor
    ) throws {
        try config.validate(source: source)
        try self.init(validated: config, UNetParameters(source: source, lookup: parameter))
    }

    private init(validated config: UNetConfig, _ p: UNetParameters) throws {
        self.config = config
        let levels = config.levels
        let channels = config.blockOutChannels
        let groups = config.normNumGroups
        let epsilon = config.normEpsilon
        let timeDim = config.timeEmbedDim
        func resnet(_ q: UNetParameters, in cin: Int, out cout: Int, scale: Float = 1) throws
            -> UNetResnetBlock
        {
            try UNetResnetBlock(
                q, in: cin, out: cout, timeDim: timeDim, groups: groups, epsilon: epsilon,
                outputScaleFactor: scale)
        }
        func transformer(_ q: UNetParameters, level: Int) throws -> UNetTransformer2D {
            try UNetTransformer2D(
                q, channels: channels[level], heads: config.attentionHeads[level],
                contextDim: config.crossAttentionDim[level], layers: config.transformerLayersPerBlock[level],
                groups: groups, linearProjection: config.useLinearProjection)
        }

        timeEmbedding = try UNetTimeEmbedding(p.scoped("time_embedding"), in: channels[0], dim: timeDim)
        convIn = try UNetConv2D(
            p, "conv_in", in: config.inChannels, out: channels[0], kernel: config.convInKernel)

        // Down levels; `skipChannels` follows the skip stack so the up levels can be checked
        // against it.
        var skipChannels = [channels[0]]
        var output = channels[0]
        var downBlocks: [UNetDownBlock] = []
        for level in 0..<levels {
            let q = p.scoped("down_blocks.\(level)")
            let input = output
            output = channels[level]
            var resnets: [UNetResnetBlock] = []
            var attentions: [UNetTransformer2D] = []
            for j in 0..<config.layersPerBlock[level] {
                resnets.append(try resnet(q.scoped("resnets.\(j)"), in: j == 0 ? input : output, out: output))
                if config.downBlockTypes[level] == .crossAttention {
                    attentions.append(try transformer(q.scoped("attentions.\(j)"), level: level))
                }
                skipChannels.append(output)
            }
            var downsampler: UNetDownsample? = nil
            if level < levels - 1 {
                downsampler = try UNetDownsample(q.scoped("downsamplers.0"), channels: output)
                skipChannels.append(output)
            }
            downBlocks.append(
                UNetDownBlock(resnets: resnets, attentions: attentions, downsampler: downsampler))
        }
        self.downBlocks = downBlocks

        let bottom = levels - 1
        let mq = p.scoped("mid_block")
        midBlock = UNetMidBlock(
            resnets: [
                try resnet(
                    mq.scoped("resnets.0"), in: channels[bottom], out: channels[bottom],
                    scale: config.midBlockScaleFactor),
                try resnet(
                    mq.scoped("resnets.1"), in: channels[bottom], out: channels[bottom],
                    scale: config.midBlockScaleFactor),
            ],
            attentions: [try transformer(mq.scoped("attentions.0"), level: bottom)])

        // Up levels, in reversed level order, as diffusers numbers them.
        var upBlocks: [UNetUpBlock] = []
        output = channels[bottom]
        for i in 0..<levels {
            let level = bottom - i  // the down level this up level mirrors
            let q = p.scoped("up_blocks.\(i)")
            let previous = output
            output = channels[level]
            let input = channels[max(level - 1, 0)]
            let layers = config.layersPerBlock[level] + 1
            var resnets: [UNetResnetBlock] = []
            var attentions: [UNetTransformer2D] = []
            for j in 0..<layers {
                let skip = j == layers - 1 ? input : output
                guard skipChannels.popLast() == skip else {
                    throw UNetError(
                        p.source,
                        "layers_per_block \(config.layersPerBlock) does not give matching skip connections on up level \(i)"
                    )
                }
                resnets.append(
                    try resnet(q.scoped("resnets.\(j)"), in: (j == 0 ? previous : output) + skip, out: output)
                )
                if config.upBlockTypes[i] == .crossAttention {
                    attentions.append(try transformer(q.scoped("attentions.\(j)"), level: level))
                }
            }
            let upsampler =
                i < levels - 1 ? try UNetUpsample(q.scoped("upsamplers.0"), channels: output) : nil
            upBlocks.append(UNetUpBlock(resnets: resnets, attentions: attentions, upsampler: upsampler))
        }
        guard skipChannels.isEmpty else {
            throw UNetError(
                p.source,
                "layers_per_block \(config.layersPerBlock) leaves \(skipChannels.count) skip connections unused"
            )
        }
        self.upBlocks = upBlocks
        convNormOut = try UNetGroupNorm(
            p, "conv_norm_out", groups: groups, channels: channels[0], epsilon: epsilon)
        convOut = try UNetConv2D(
            p, "conv_out", in: channels[0], out: config.outChannels, kernel: config.convOutKernel)
    }
}

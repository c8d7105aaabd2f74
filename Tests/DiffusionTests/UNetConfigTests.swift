import Foundation
import Testing

@testable import Diffusion

@Suite struct UNetConfigTests {
    func parse(_ json: String) throws -> UNetConfig {
        try UNetConfig(json: Data(json.utf8), source: "test config.json")
    }

    @Test func sd15ConfigReadsAsDiffusersMeansIt() throws {
        // The SD 1.5 release's unet/config.json (the keys that matter).
        let config = try parse(
            """
            {"_class_name": "UNet2DConditionModel", "act_fn": "silu", "attention_head_dim": 8,
             "block_out_channels": [320, 640, 1280, 1280], "center_input_sample": false, "cross_attention_dim": 768,
             "down_block_types": ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"],
             "downsample_padding": 1, "flip_sin_to_cos": true, "freq_shift": 0, "in_channels": 4, "layers_per_block": 2,
             "mid_block_scale_factor": 1, "norm_eps": 1e-05, "norm_num_groups": 32, "out_channels": 4, "sample_size": 64,
             "up_block_types": ["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"]}
            """)
        var expected = UNetConfig.stableDiffusion1
        expected.sampleSize = [64, 64]
        #expect(config == expected)
        // attention_head_dim 8 means 8 heads (diffusers' SD 1.x naming): head width 40 at 320 channels.
        #expect(config.attentionHeads == [8, 8, 8, 8])
        #expect(config.timeEmbedDim == 1280)
        #expect(config.downsamplingFactor == 8)
    }

    @Test func perLevelListsAndNumAttentionHeads() throws {
        let config = try parse(
            """
            {"block_out_channels": [32, 64], "down_block_types": ["CrossAttnDownBlock2D", "DownBlock2D"],
             "up_block_types": ["UpBlock2D", "CrossAttnUpBlock2D"], "attention_head_dim": [2, 4],
             "num_attention_heads": [4, 8], "transformer_layers_per_block": [1, 2], "layers_per_block": 1,
             "cross_attention_dim": 16, "norm_num_groups": 8, "use_linear_projection": true}
            """)
        #expect(config.attentionHeads == [4, 8])
        #expect(config.transformerLayersPerBlock == [1, 2])
        #expect(config.layersPerBlock == [1, 1])
        #expect(config.crossAttentionDim == [16, 16])
        #expect(config.useLinearProjection)
    }

    @Test(arguments: [
        (#"{"class_embed_type": "timestep"}"#, "class_embed_type"),
        (#"{"addition_embed_type": "text_time"}"#, "addition_embed_type"),
        (#"{"mid_block_type": "UNetMidBlock2DSimpleCrossAttn"}"#, "mid_block_type"),
        (
            #"{"down_block_types": ["SimpleCrossAttnDownBlock2D", "DownBlock2D", "DownBlock2D", "DownBlock2D"]}"#,
            "SimpleCrossAttnDownBlock2D"
        ),
        (#"{"block_out_channels": [320, 640]}"#, "down_block_types"),
        (#"{"attention_head_dim": [8, 8]}"#, "attention_head_dim"),
        (#"{"norm_num_groups": 24}"#, "norm_num_groups"),
        (#"{"attention_head_dim": 7}"#, "attention heads"),
        (#"{"layers_per_block": "two"}"#, "layers_per_block"),
        (#"{"use_linear_projection": 1}"#, "use_linear_projection"),
        (#"{"time_embedding_type": "fourier"}"#, "time_embedding_type"),
        (#"[1, 2]"#, "not a JSON object"),
        (#"{"in_channels": 4"#, "not valid JSON"),
    ])
    func unsupportedOrMalformedConfigIsRejectedByName(_ json: String, _ mention: String) throws {
        do {
            _ = try parse(json)
            Issue.record("accepted \(json)")
        } catch let error as UNetError {
            #expect(error.description.contains(mention), "\(error)")
            #expect(error.description.hasPrefix("test config.json: "))
        }
    }
}

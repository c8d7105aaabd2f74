import Foundation
import Testing

@testable import Diffusion

/// The two checkpoint layouts of the same tiny model: same architecture (config files vs
/// detection from shapes), same diffusers names and shapes for every tensor, clear errors.
@Suite("Checkpoint: diffusers folder and single-file layouts")
struct CheckpointLayoutTests {
    @Test("detected architecture equals the folder's config files")
    func detection() throws {
        let folder = try Checkpoint.open(ModelFixtures.folder)
        let single = try Checkpoint.open(ModelFixtures.singleFile)
        #expect(folder.layout == .diffusersFolder && single.layout == .singleFile)
        #expect(single.textEncoder.configOrigin == .detected)
        #expect(folder.textEncoder.config == single.textEncoder.config)
        #expect(folder.vae.config == single.vae.config)
        var unet = folder.unet.config
        unet.sampleSize = single.unet.config.sampleSize  // not visible in shapes
        #expect(unet == single.unet.config)
        #expect(
            folder.unet.config.blockOutChannels == [32, 32]
                && folder.unet.config.downBlockTypes == [.crossAttention, .plain])
    }

    @Test(
        "every tensor has the same diffusers name and shape in both layouts",
        arguments: ["text_encoder", "vae", "unet"])
    func sameNames(_ component: String) throws {
        let folder = try Checkpoint.open(ModelFixtures.folder)
        let single = try Checkpoint.open(ModelFixtures.singleFile)
        func source(_ c: Checkpoint) -> WeightSource {
            switch component {
            case "text_encoder": return c.textEncoder.weights
            case "vae": return c.vae.weights
            default: return c.unet.weights
            }
        }
        let a = source(folder), b = source(single)
        let extra = Set(b.names).subtracting(a.names).filter { !$0.hasSuffix("position_ids") }
        #expect(
            Set(a.names).subtracting(b.names).isEmpty,
            "only in the folder: \(Set(a.names).subtracting(b.names).sorted().prefix(5))")
        #expect(extra.isEmpty, "only in the single file: \(extra.sorted().prefix(5))")
        for name in a.names where b.contains(name) {
            #expect(a.info(name)?.shape == b.info(name)?.shape, "\(name)")
        }
    }

    @Test("the U-Net fixture's single file maps onto its folder's names, shapes and outputs")
    func unetFixtureSingleFile() throws {
        let dir = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/unet")
        let folder = try SafetensorsFile(
            path: dir.appendingPathComponent("sd1-tiny/unet/diffusion_pytorch_model.safetensors").path)
        let single = try OriginalLayout.unetWeights(
            singleFile: try SafetensorsFile(
                path: dir.appendingPathComponent("sd1-tiny-original.safetensors").path))
        #expect(Set(single.names) == Set(folder.names))
        let config = try UNetConfig(contentsOf: dir.appendingPathComponent("sd1-tiny/unet/config.json").path)
        var detected = try UNetConfig(detectingFrom: single)
        detected.sampleSize = config.sampleSize
        #expect(detected == config)
        for name in folder.names {
            #expect(try single.tensor(name).maxAbsDifference(try folder.tensor(name)) == 0, "\(name)")
        }
    }

    @Test("single-file tensors outside the components are listed as ignored")
    func ignored() throws {
        #expect(try Checkpoint.open(ModelFixtures.singleFile).ignoredTensors == ["alphas_cumprod"])
    }

    @Test("the SD 1.x U-Net key mapping follows the original block numbering")
    func unetMapping() {
        let s = OriginalLayout.UNetStructure(
            levels: 4, layersPerBlock: 2, downAttention: [true, true, true, false],
            upAttention: [false, true, true, true])
        let rules = OriginalLayout.unetRules(s)
        let cases = [
            ("input_blocks.0.0.weight", "conv_in.weight"),
            ("input_blocks.1.0.in_layers.0.weight", "down_blocks.0.resnets.0.norm1.weight"),
            ("input_blocks.2.1.proj_in.weight", "down_blocks.0.attentions.1.proj_in.weight"),
            ("input_blocks.3.0.op.weight", "down_blocks.0.downsamplers.0.conv.weight"),
            ("input_blocks.4.0.skip_connection.bias", "down_blocks.1.resnets.0.conv_shortcut.bias"),
            ("input_blocks.11.0.emb_layers.1.weight", "down_blocks.3.resnets.1.time_emb_proj.weight"),
            (
                "middle_block.1.transformer_blocks.0.attn2.to_k.weight",
                "mid_block.attentions.0.transformer_blocks.0.attn2.to_k.weight"
            ),
            ("middle_block.2.out_layers.3.weight", "mid_block.resnets.1.conv2.weight"),
            ("output_blocks.2.1.conv.weight", "up_blocks.0.upsamplers.0.conv.weight"),
            ("output_blocks.5.2.conv.bias", "up_blocks.1.upsamplers.0.conv.bias"),
            (
                "output_blocks.11.1.transformer_blocks.0.ff.net.0.proj.weight",
                "up_blocks.3.attentions.2.transformer_blocks.0.ff.net.0.proj.weight"
            ),
            ("time_embed.2.weight", "time_embedding.linear_2.weight"),
            ("out.2.bias", "conv_out.bias"),
        ]
        for (original, diffusers) in cases {
            #expect(OriginalLayout.convert(original, rules: rules).name == diffusers, "\(original)")
        }
    }

    @Test(
        "SD 1.x's original block numbering is recognised: 4 levels, 2 layers, attention where SD 1.5 has it")
    func sd15Structure() {
        // The block prefixes of the SD 1.5 release's U-Net (model.diffusion_model.* without the prefix).
        var keys = [
            "input_blocks.0.0.weight", "middle_block.0.in_layers.0.weight", "middle_block.1.norm.weight",
            "out.2.weight",
        ]
        for i in 1...11 where ![3, 6, 9].contains(i) { keys.append("input_blocks.\(i).0.in_layers.0.weight") }
        for i in [1, 2, 4, 5, 7, 8] { keys.append("input_blocks.\(i).1.proj_in.weight") }
        for i in [3, 6, 9] { keys.append("input_blocks.\(i).0.op.weight") }
        for i in 0...11 { keys.append("output_blocks.\(i).0.in_layers.0.weight") }
        for i in 3...11 { keys.append("output_blocks.\(i).1.proj_in.weight") }
        keys += [
            "output_blocks.2.1.conv.weight", "output_blocks.5.2.conv.weight", "output_blocks.8.2.conv.weight",
        ]
        let s = OriginalLayout.unetStructure(keys)
        #expect(
            s
                == OriginalLayout.UNetStructure(
                    levels: 4, layersPerBlock: 2, downAttention: [true, true, true, false],
                    upAttention: [false, true, true, true]))
    }

    @Test("a missing tensor is an error naming it")
    func missingTensor() throws {
        let full = try Checkpoint.open(ModelFixtures.folder).vae.weights
        let cut = WeightSource(
            origin: full.origin, tensors: full.tensors.filter { $0.key != "decoder.conv_in.bias" })
        do {
            _ = try AutoencoderKL(config: try Checkpoint.open(ModelFixtures.folder).vae.config, weights: cut)
            Issue.record("accepted a VAE without decoder.conv_in.bias")
        } catch let error as CheckpointError {
            print(error)
            #expect(error.tensor == "decoder.conv_in.bias" && error.description.contains("missing"))
        }
    }

    @Test("an unexpected tensor is an error naming it; audit mode lists every problem")
    func unexpectedTensor() throws {
        let checkpoint = try Checkpoint.open(ModelFixtures.folder)
        let full = checkpoint.vae.weights
        var tensors = full.tensors
        tensors["decoder.extra.weight"] = full.tensors["decoder.conv_in.bias"]
        tensors["decoder.conv_out.bias"] = full.tensors["decoder.conv_in.bias"]  // wrong shape
        let source = WeightSource(origin: full.origin, tensors: tensors)
        #expect(throws: CheckpointError.self) {
            try AutoencoderKL(config: checkpoint.vae.config, weights: source)
        }
        let audit = WeightLoader(source, mode: .audit)
        _ = try AutoencoderKL(config: checkpoint.vae.config, loader: audit)
        try audit.finish()
        print(audit.problems)
        #expect(audit.problems.contains(.unexpected("decoder.extra.weight")))
        #expect(audit.problems.contains(.wrongShape("decoder.conv_out.bias", found: [32], expected: [3])))
    }

    @Test("folders and files that are not checkpoints give clear errors")
    func notCheckpoints() throws {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("sdfarm-layout-\(getpid())")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        #expect(throws: CheckpointError.self) { try Checkpoint.open(tmp.path) }
        #expect(throws: CheckpointError.self) {
            try Checkpoint.open(tmp.appendingPathComponent("nothing").path)
        }
        // A safetensors file holding only the text encoder (e.g. the folder's own file).
        let textOnly = ModelFixtures.folder + "/text_encoder/model.safetensors"
        do {
            _ = try Checkpoint.open(textOnly)
            Issue.record("accepted a text encoder file as a checkpoint")
        } catch let error as CheckpointError {
            print(error)
            #expect(error.file == textOnly)
        }
    }
}

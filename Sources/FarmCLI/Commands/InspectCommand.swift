import ArgumentParser
import Diffusion
import Foundation

/// `sdfarm inspect PATH`: what a checkpoint holds — layout, architecture, dtypes, parameter
/// counts, and any missing or unexpected tensors.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Describe a Stable Diffusion checkpoint (diffusers folder or single .safetensors file).")

    @Argument(help: "A diffusers folder (with model_index.json) or a single-file .safetensors checkpoint.")
    var path: String

    func run() throws {
        let checkpoint: Checkpoint
        do {
            checkpoint = try Checkpoint.open(path)
        } catch {
            FileHandle.standardError.write(Data("error: cannot read the checkpoint: \(error)\n".utf8))
            throw ExitCode.failure
        }
        print("path:   \(checkpoint.path)")
        print("layout: \(checkpoint.layout.rawValue)")

        let text = checkpoint.textEncoder.config
        section(
            "text encoder", checkpoint.textEncoder.configOrigin,
            checkpoint.summary(of: checkpoint.textEncoder.weights))
        print(
            "  CLIP text transformer: \(text.layers) layers, width \(text.hiddenSize), \(text.heads) heads, "
                + "MLP \(text.intermediateSize), vocabulary \(text.vocabSize), \(text.maxPositions) positions, \(text.activation == .quickGelu ? "quick_gelu" : "gelu")"
        )
        problems(try checkpoint.auditTextEncoder())

        let vae = checkpoint.vae.config
        section("vae", checkpoint.vae.configOrigin, checkpoint.summary(of: checkpoint.vae.weights))
        print(
            "  AutoencoderKL: \(vae.blockOutChannels.count) levels \(vae.blockOutChannels), \(vae.layersPerBlock) ResNet(s) per down level, "
                + "latent channels \(vae.latentChannels), \(vae.normGroups) norm groups, scaling factor \(vae.scalingFactor), "
                + "factor \(vae.downsamplingFactor)")
        problems(try checkpoint.auditVAE())

        let unet = checkpoint.unet.config
        section("unet", checkpoint.unet.configOrigin, checkpoint.summary(of: checkpoint.unet.weights))
        let attention = unet.downBlockTypes.map { $0 == .crossAttention }
        print(
            "  UNet2DConditionModel: \(unet.levels) levels \(unet.blockOutChannels), base channels \(unet.blockOutChannels[0]), "
                + "layers per block \(unet.layersPerBlock), cross-attention per level \(flags(attention)), "
                + "heads \(unet.attentionHeads), context width \(unet.crossAttentionDim[0]), "
                + "\(unet.useLinearProjection ? "linear" : "conv") projections")
        problems(checkpoint.auditUNet())

        if !checkpoint.ignoredTensors.isEmpty {
            let shown = checkpoint.ignoredTensors.prefix(8).joined(separator: ", ")
            print(
                "ignored: \(checkpoint.ignoredTensors.count) tensor(s) outside the components: \(shown)"
                    + (checkpoint.ignoredTensors.count > 8 ? ", …" : ""))
        }
    }

    private func section(_ name: String, _ origin: Checkpoint.ConfigOrigin, _ s: Checkpoint.TensorSummary) {
        let from: String
        switch origin {
        case .file(let path): from = "config \(path)"
        case .detected: from = "architecture detected from tensor names and shapes"
        }
        let dtypes = s.dtypes.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(
            separator: ", ")
        print("\(name): \(from)")
        print("  \(s.tensorCount) tensors (\(dtypes)), \(grouped(s.parameterCount)) parameters")
    }

    private func problems(_ list: [WeightLoader.Problem]) {
        if list.isEmpty {
            print("  missing/unexpected: none")
        } else {
            print("  \(list.count) problem(s):")
            for p in list.prefix(20) { print("    \(p)") }
            if list.count > 20 { print("    …") }
        }
    }

    private func flags(_ f: [Bool]) -> String {
        "[" + f.map { $0 ? "yes" : "no" }.joined(separator: ", ") + "]"
    }

    private func grouped(_ n: Int) -> String {
        let digits = Array(String(n))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(d)
        }
        return out
    }
}

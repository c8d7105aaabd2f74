// Follows diffusers' StableDiffusionPipeline (pipelines/stable_diffusion/pipeline_stable_diffusion.py, 0.42).
import Foundation

/// A loaded Stable Diffusion 1.x model, ready to generate: tokenizer, CLIP text encoder, U-Net,
/// VAE and scheduler config, read once from a diffusers folder or a single `.safetensors` file
/// (through `Checkpoint`) and kept. Everything size-related (latent channels, VAE factor, native
/// size, context width, token length) comes from the model's configs.
///
/// ```swift
/// let pipeline = try StableDiffusionPipeline(loading: "models/sdfarm-shapes")
/// let result = try pipeline.generate(GenerationRequest(prompt: "a red circle", seed: 42, count: 2)) { progress in
///     print(progress.step, progress.total)          // throw here to cancel
/// }
/// result.images[0]   // RGBImage, 8-bit as diffusers rounds it
/// ```
public struct StableDiffusionPipeline: Sendable {
    public let checkpoint: Checkpoint
    public let tokenizer: CLIPTokenizer
    public let textEncoder: CLIPTextModel
    public let unet: UNet2DConditionModel
    public let vae: AutoencoderKL
    /// `scheduler/scheduler_config.json` of a folder; SD 1.5's for single files.
    public let schedulerConfig: SchedulerConfig
    /// The model's identity for the PNG's "Model hash" (see `ModelHash`).
    public let modelHash: ModelHash
    /// The model's name for the PNG's "Model" field: the folder name or the file's stem.
    public let modelName: String
    /// Where the models run.
    public let backend: any Backend

    /// Loads every component. `modelHash`, when the caller already has it (a worker's catalog),
    /// saves hashing the files again.
    public init(loading path: String, modelHash: ModelHash? = nil, backend: any Backend = CPUBackend()) throws
    {
        self.backend = backend
        let url = URL(fileURLWithPath: path)
        let checkpoint: Checkpoint
        do { checkpoint = try Checkpoint.open(path) } catch {
            throw PipelineError(.model, "\(error)")
        }
        self.checkpoint = checkpoint
        do {
            tokenizer = try CLIPTokenizer.forModel(at: checkpoint.layout == .diffusersFolder ? url : nil)
            textEncoder = try checkpoint.loadTextEncoder()
            unet = try checkpoint.loadUNet()
            vae = try checkpoint.loadVAE()
            schedulerConfig = try Self.schedulerConfig(checkpoint)
            self.modelHash = try modelHash ?? ModelHash(ofModelAt: url)
        } catch let error as PipelineError {
            throw error
        } catch {
            throw PipelineError(.model, "\(error)")
        }
        let name = url.standardizedFileURL.lastPathComponent
        modelName = checkpoint.layout == .diffusersFolder ? name : (name as NSString).deletingPathExtension
        try checkCompatibility()
    }

    /// Image pixels per latent pixel: 2^(VAE levels − 1), as diffusers' `vae_scale_factor`.
    public var vaeScaleFactor: Int { vae.config.downsamplingFactor }

    /// The default size, as diffusers picks it: the U-Net's `sample_size` × the VAE factor.
    /// A checkpoint without `sample_size` (single files) is taken to be 512 × 512, SD 1.x's.
    public var nativeSize: (width: Int, height: Int) {
        guard let sample = unet.config.sampleSize else { return (512, 512) }
        return (sample[1] * vaeScaleFactor, sample[0] * vaeScaleFactor)
    }

    /// Latent channels the U-Net denoises.
    public var latentChannels: Int { vae.config.latentChannels }

    private static func schedulerConfig(_ checkpoint: Checkpoint) throws -> SchedulerConfig {
        guard checkpoint.layout == .diffusersFolder else { return .sd15 }
        let file = URL(fileURLWithPath: checkpoint.path).appendingPathComponent(
            "scheduler/scheduler_config.json")
        guard FileManager.default.fileExists(atPath: file.path) else { return .sd15 }
        let data: Data
        do { data = try Data(contentsOf: file) } catch {
            throw PipelineError(.model, "\(file.path): cannot read: \(error.localizedDescription)")
        }
        return try SchedulerConfig(json: data, source: file.path)
    }

    /// The components must fit together: latent channels, context width, token length.
    private func checkCompatibility() throws {
        let fail = { (message: String) in PipelineError(.model, "\(checkpoint.path): \(message)") }
        guard unet.config.inChannels == latentChannels, unet.config.outChannels == latentChannels else {
            throw fail(
                "the U-Net takes \(unet.config.inChannels) and returns \(unet.config.outChannels) channels, the VAE's latents have \(latentChannels)"
            )
        }
        if let width = unet.config.crossAttentionDim.first(where: { $0 != textEncoder.config.hiddenSize }) {
            throw fail(
                "the U-Net's cross_attention_dim \(width) differs from the text encoder's width \(textEncoder.config.hiddenSize)"
            )
        }
        guard tokenizer.maxLength <= textEncoder.config.maxPositions else {
            throw fail(
                "the tokenizer's \(tokenizer.maxLength) tokens exceed the text encoder's \(textEncoder.config.maxPositions) positions"
            )
        }
        let largest = max(tokenizer.bosID, tokenizer.eosID, tokenizer.padID, tokenizer.vocabulary.count - 1)
        guard largest < textEncoder.config.vocabSize else {
            throw fail(
                "the tokenizer's ids reach \(largest), the text encoder's vocabulary has \(textEncoder.config.vocabSize)"
            )
        }
    }
}

import Foundation

/// A Stable Diffusion checkpoint opened from either layout people have:
/// - a diffusers folder (`model_index.json`, `text_encoder/`, `vae/`, `unet/`, each with its
///   `config.json` and safetensors weights), or
/// - a single `.safetensors` file in the original layout (`model.diffusion_model.*`,
///   `first_stage_model.*`, `cond_stage_model.transformer.*`), whose architecture is detected
///   from tensor names and shapes.
/// Either way the components' weights are presented under diffusers names, so the models load
/// them the same way (and the same weights give the same outputs).
public struct Checkpoint: Sendable {
    public enum Layout: String, Sendable {
        case diffusersFolder = "diffusers folder"
        case singleFile = "single file (original layout)"
    }

    /// Where a component's architecture came from.
    public enum ConfigOrigin: Sendable, Equatable {
        case file(String)
        case detected
    }

    public struct Component<Config: Sendable & Equatable>: Sendable {
        public let config: Config
        public let configOrigin: ConfigOrigin
        public let weights: WeightSource
    }

    public let path: String
    public let layout: Layout
    public let textEncoder: Component<CLIPTextConfig>
    public let vae: Component<AutoencoderKLConfig>
    public let unet: Component<UNetConfig>
    /// Single-file tensors outside the three components (EMA copies, schedule buffers…), unused.
    public let ignoredTensors: [String]

    /// Opens a folder or a single file, reading headers and configs only (weights stay mapped).
    public static func open(_ path: String) throws -> Checkpoint {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CheckpointError(file: path, "no such file or folder")
        }
        return isDirectory.boolValue ? try openFolder(path) : try openSingleFile(path)
    }

    /// Builds the CLIP text encoder.
    public func loadTextEncoder() throws -> CLIPTextModel {
        try CLIPTextModel(config: textEncoder.config, weights: textEncoder.weights)
    }

    /// Builds the U-Net.
    public func loadUNet() throws -> UNet2DConditionModel {
        try UNet2DConditionModel(config: unet.config, weights: unet.weights)
    }

    /// Builds the VAE.
    public func loadVAE() throws -> AutoencoderKL {
        try AutoencoderKL(config: vae.config, weights: vae.weights)
    }

    init(
        path: String, layout: Layout, textEncoder: Component<CLIPTextConfig>,
        vae: Component<AutoencoderKLConfig>,
        unet: Component<UNetConfig>, ignoredTensors: [String]
    ) {
        self.path = path
        self.layout = layout
        self.textEncoder = textEncoder
        self.vae = vae
        self.unet = unet
        self.ignoredTensors = ignoredTensors
    }
}

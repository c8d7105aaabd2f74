import Foundation

extension Checkpoint {
    /// Weight file names tried in each component folder, in order.
    static let weightFileNames = [
        "text_encoder": ["model.safetensors", "model.fp16.safetensors"],
        "vae": ["diffusion_pytorch_model.safetensors", "diffusion_pytorch_model.fp16.safetensors"],
        "unet": ["diffusion_pytorch_model.safetensors", "diffusion_pytorch_model.fp16.safetensors"],
    ]

    static func openFolder(_ path: String) throws -> Checkpoint {
        let root = URL(fileURLWithPath: path)
        let index = root.appendingPathComponent("model_index.json").path
        guard FileManager.default.fileExists(atPath: index) else {
            throw CheckpointError(file: path, "not a diffusers folder: model_index.json is missing")
        }
        _ = try ConfigJSON(path: index)

        func component(_ name: String) throws -> (config: ConfigJSON, file: SafetensorsFile) {
            let dir = root.appendingPathComponent(name)
            let config = try ConfigJSON(path: dir.appendingPathComponent("config.json").path)
            for candidate in weightFileNames[name]! {
                let file = dir.appendingPathComponent(candidate).path
                if FileManager.default.fileExists(atPath: file) {
                    return (config, try SafetensorsFile(path: file))
                }
            }
            let others = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            if others.contains(where: { $0.hasSuffix(".bin") || $0.hasSuffix(".safetensors.index.json") }) {
                throw CheckpointError(
                    file: dir.path,
                    "only PyTorch .bin or sharded weights found; sdfarm reads single .safetensors files")
            }
            throw CheckpointError(
                file: dir.path, "no \(weightFileNames[name]!.joined(separator: " or ")) found")
        }

        let text = try component("text_encoder")
        let vae = try component("vae")
        let unet = try component("unet")
        return Checkpoint(
            path: path, layout: .diffusersFolder,
            textEncoder: Component(
                config: try CLIPTextConfig(json: text.config), configOrigin: .file(text.config.path),
                weights: WeightSource(file: text.file, renaming: OriginalLayout.textName)),
            vae: Component(
                config: try AutoencoderKLConfig(json: vae.config), configOrigin: .file(vae.config.path),
                weights: WeightSource(file: vae.file)),
            unet: Component(
                config: try UNetConfig(contentsOf: unet.config.path), configOrigin: .file(unet.config.path),
                weights: WeightSource(file: unet.file)),
            ignoredTensors: [])
    }
}

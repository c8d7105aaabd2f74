extension OriginalLayout {
    /// The U-Net tensors of a single file under diffusers names (`keys` without the prefix).
    static func unetTensors(file: SafetensorsFile, keys: [String], structure: UNetStructure) -> [String:
        WeightSource.Mapped]
    {
        let rules = unetRules(structure)
        var unet: [String: WeightSource.Mapped] = [:]
        for key in keys {
            unet[convert(key, rules: rules).name] = .init(file: file, key: unetPrefix + key, shape: nil)
        }
        return unet
    }

    /// The U-Net of a single-file checkpoint (other components, if any, are left out), under
    /// diffusers names.
    static func unetWeights(singleFile file: SafetensorsFile) throws -> WeightSource {
        let keys = file.entries.keys.filter { $0.hasPrefix(unetPrefix) }.map {
            String($0.dropFirst(unetPrefix.count))
        }
        guard let structure = unetStructure(keys) else {
            throw CheckpointError(file: file.path, "no U-Net (\(unetPrefix)input_blocks.*) in this file")
        }
        return WeightSource(
            origin: file.path, tensors: unetTensors(file: file, keys: keys, structure: structure))
    }
}

extension Checkpoint {
    static func openSingleFile(_ path: String) throws -> Checkpoint {
        let file = try SafetensorsFile(path: path)
        var text: [String: WeightSource.Mapped] = [:]
        var vaeKeys: [String] = [], unetKeys: [String] = [], ignored: [String] = []
        for key in file.entries.keys {
            if key.hasPrefix(OriginalLayout.textPrefix) {
                let name = OriginalLayout.textName(String(key.dropFirst(OriginalLayout.textPrefix.count)))
                text[name] = .init(file: file, key: key, shape: nil)
            } else if key.hasPrefix(OriginalLayout.vaePrefix) {
                vaeKeys.append(String(key.dropFirst(OriginalLayout.vaePrefix.count)))
            } else if key.hasPrefix(OriginalLayout.unetPrefix) {
                unetKeys.append(String(key.dropFirst(OriginalLayout.unetPrefix.count)))
            } else {
                ignored.append(key)
            }
        }
        guard !text.isEmpty else {
            throw CheckpointError(file: path, "no text encoder (\(OriginalLayout.textPrefix)*) in this file")
        }
        guard let vaeShape = OriginalLayout.vaeStructure(vaeKeys) else {
            throw CheckpointError(
                file: path, "no VAE (\(OriginalLayout.vaePrefix)encoder.down.*) in this file")
        }
        guard let unetShape = OriginalLayout.unetStructure(unetKeys) else {
            throw CheckpointError(
                file: path, "no U-Net (\(OriginalLayout.unetPrefix)input_blocks.*) in this file")
        }

        let vaeRules = OriginalLayout.vaeRules(
            levels: vaeShape.levels, layersPerBlock: vaeShape.layersPerBlock)
        var vae: [String: WeightSource.Mapped] = [:]
        for key in vaeKeys {
            let (name, kind) = OriginalLayout.convert(key, rules: vaeRules)
            let fileKey = OriginalLayout.vaePrefix + key
            var shape: [Int]?
            // The original VAE attention projections are 1×1 convolutions: [C, C, 1, 1] → [C, C].
            if kind == .vaeAttention, name.hasSuffix(".weight"), let s = file.entries[fileKey]?.shape,
                s.count == 4, s[2] == 1, s[3] == 1
            {
                shape = [s[0], s[1]]
            }
            vae[name] = .init(file: file, key: fileKey, shape: shape)
        }
        let unet = OriginalLayout.unetTensors(file: file, keys: unetKeys, structure: unetShape)

        let textWeights = WeightSource(origin: path, tensors: text)
        let vaeWeights = WeightSource(origin: path, tensors: vae)
        let unetWeights = WeightSource(origin: path, tensors: unet)
        return Checkpoint(
            path: path, layout: .singleFile,
            textEncoder: Component(
                config: try CLIPTextConfig(detectingFrom: textWeights), configOrigin: .detected,
                weights: textWeights),
            vae: Component(
                config: try AutoencoderKLConfig(detectingFrom: vaeWeights), configOrigin: .detected,
                weights: vaeWeights),
            unet: Component(
                config: try UNetConfig(detectingFrom: unetWeights), configOrigin: .detected,
                weights: unetWeights),
            ignoredTensors: ignored.sorted())
    }
}

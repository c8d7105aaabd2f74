extension Checkpoint {
    /// Tensor statistics of one component.
    public struct TensorSummary: Sendable {
        public let tensorCount: Int
        public let parameterCount: Int
        /// Tensor count per dtype name ("F32": 36).
        public let dtypes: [String: Int]
    }

    public func summary(of weights: WeightSource) -> TensorSummary {
        var parameters = 0
        var dtypes: [String: Int] = [:]
        for name in weights.names {
            guard let info = weights.info(name) else { continue }
            dtypes[info.dtype.rawValue, default: 0] += 1
            if info.dtype.isFloatingLoadable { parameters += info.shape.reduce(1, *) }
        }
        return TensorSummary(tensorCount: weights.names.count, parameterCount: parameters, dtypes: dtypes)
    }

    /// Missing, wrongly shaped and unexpected tensors of the text encoder, without loading it.
    public func auditTextEncoder() throws -> [WeightLoader.Problem] {
        let loader = CLIPTextModel.loader(for: textEncoder.weights, mode: .audit)
        _ = try CLIPTextModel(config: textEncoder.config, loader: loader)
        try loader.finish()
        return loader.problems
    }

    /// Missing, wrongly shaped and unexpected tensors of the VAE, without loading it.
    public func auditVAE() throws -> [WeightLoader.Problem] {
        let loader = WeightLoader(vae.weights, mode: .audit)
        _ = try AutoencoderKL(config: vae.config, loader: loader)
        try loader.finish()
        return loader.problems
    }
}

extension Checkpoint {
    /// Missing, wrongly shaped and unexpected tensors of the U-Net. The U-Net reads its tensors
    /// through a lookup, so this builds it (F32 tensors are borrowed from the mapping, others
    /// converted); the first missing or misshapen tensor stops the check and is reported.
    public func auditUNet() -> [WeightLoader.Problem] {
        let weights = unet.weights
        var requested: Set<String> = []
        var missing: [WeightLoader.Problem] = []
        do {
            _ = try UNet2DConditionModel(config: unet.config, source: weights.origin) { name in
                requested.insert(name)
                guard weights.contains(name) else {
                    missing.append(.missing(name, expected: []))
                    throw CheckpointError(file: weights.origin, tensor: name, "missing")
                }
                return try weights.tensor(name)
            }
        } catch {
            return missing.isEmpty ? [.other("\(error)")] : missing
        }
        return weights.names.filter { !requested.contains($0) }.map { .unexpected($0) }
    }
}

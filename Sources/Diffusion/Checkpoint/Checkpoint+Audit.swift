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
    /// Missing, wrongly shaped and unexpected tensors of the U-Net, without loading it. A
    /// configuration the U-Net cannot be built from is reported as one problem.
    public func auditUNet() -> [WeightLoader.Problem] {
        let loader = WeightLoader(unet.weights, mode: .audit)
        do {
            _ = try UNet2DConditionModel(config: unet.config, loader: loader)
            try loader.finish()
        } catch {
            return loader.problems + [.other("\(error)")]
        }
        return loader.problems
    }
}

/// Random weights for a model built through a `WeightLoader`, without any checkpoint: the
/// model is first built in audit mode over an empty source, which lists every tensor it needs
/// with its shape; those are then filled (deterministically from `seed`). For benchmarks at
/// full size (`sdfarm bench vae`): the numbers are meaningless, the shapes and the work real.
public enum RandomWeights {
    /// Fills every tensor `build` asks for. Norm weights are 1, biases 0, other weights uniform
    /// with variance 1/fan-in (so activations stay in range through deep stacks).
    public static func make(seed: UInt64, origin: String, _ build: (WeightLoader) throws -> Void) throws
        -> WeightSource
    {
        let audit = WeightLoader(WeightSource(origin: origin, tensors: [String: Tensor]()), mode: .audit)
        try build(audit)
        var state = seed
        var tensors: [String: Tensor] = [:]
        for problem in audit.problems {
            guard case .missing(let name, let shape) = problem else { continue }
            let isNormWeight = name.contains("norm") && name.hasSuffix(".weight") && shape.count == 1
            if shape.count == 1 {
                tensors[name] = Tensor(shape: shape, repeating: isNormWeight ? 1 : 0)
                continue
            }
            let fanIn = shape.dropFirst().reduce(1, *)
            let bound = (3 / Float(max(fanIn, 1))).squareRoot()
            var t = Tensor(uninitialized: shape)
            t.withUnsafeMutableBufferPointer { p in
                for i in 0..<p.count {
                    state &+= 0x9E37_79B9_7F4A_7C15
                    var z = state
                    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
                    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
                    z ^= z >> 31
                    p[i] = (Float(z >> 40) / Float(1 << 23) - 1) * bound
                }
            }
            tensors[name] = t
        }
        return WeightSource(origin: origin, tensors: tensors)
    }
}

extension AutoencoderKL {
    /// A VAE of `config`'s shapes with random weights (see `RandomWeights`).
    public static func random(config: AutoencoderKLConfig, seed: UInt64 = 0) throws -> AutoencoderKL {
        let weights = try RandomWeights.make(seed: seed, origin: "random VAE weights") { loader in
            _ = try AutoencoderKL(config: config, loader: loader)
        }
        return try AutoencoderKL(config: config, weights: weights)
    }
}

extension CLIPTextModel {
    /// A text encoder of `config`'s shapes with random weights (see `RandomWeights`).
    public static func random(config: CLIPTextConfig, seed: UInt64 = 0) throws -> CLIPTextModel {
        let weights = try RandomWeights.make(seed: seed, origin: "random text-encoder weights") { loader in
            _ = try CLIPTextModel(config: config, loader: loader)
        }
        return try CLIPTextModel(config: config, weights: weights)
    }
}

/// The Stable Diffusion engine: tensors and kernels, checkpoints, tokenizer, models, samplers
/// and the generation pipeline. It knows nothing of the farm or the network.
public enum Diffusion {
    /// The engine's version, written into every PNG it makes.
    public static let version = "0.1.0"
}

/// The largest requests the pipeline accepts, checked before anything is allocated.
public enum GenerationLimits {
    /// Images per batch (the U-Net runs 2× this with guidance).
    public static let maxBatch = 64
    /// Largest width or height in pixels.
    public static let maxSide = 4096
    /// Largest width × height × batch: bounds the latents, the U-Net activations (which grow
    /// with the batch) and the decoded images.
    public static let maxBatchPixels = 16 << 20
    /// Largest number of inference steps.
    public static let maxSteps = 1000
    /// diffusers' StableDiffusionPipeline.check_inputs: width and height divisible by 8.
    public static let sizeMultiple = 8
}

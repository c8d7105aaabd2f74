/// The shape of a latent batch, `[batch, channels, height, width]` (NCHW, flat in that order).
public struct LatentShape: Sendable, Hashable, CustomStringConvertible {
    public let batch: Int
    public let channels: Int
    public let height: Int
    public let width: Int

    public init(batch: Int, channels: Int = 4, height: Int, width: Int) {
        self.batch = batch
        self.channels = channels
        self.height = height
        self.width = width
    }

    /// Elements in one image's latent.
    public var perImage: Int { channels * height * width }
    /// Elements in the whole batch.
    public var count: Int { batch * perImage }

    /// Every dimension positive and the element count representable (checked before anything
    /// is allocated for it).
    public var isValid: Bool {
        guard batch > 0, channels > 0, height > 0, width > 0 else { return false }
        var total = 1
        for dimension in [batch, channels, height, width] {
            let (product, overflow) = total.multipliedReportingOverflow(by: dimension)
            guard !overflow, product <= 1 << 40 else { return false }
            total = product
        }
        return true
    }
    public var description: String { "[\(batch), \(channels), \(height), \(width)]" }
}

/// The denoiser a sampler drives: given the (scaled) model input for the whole batch
/// (`[B, C, H, W]`, flat) and the timestep, it returns the predicted noise ε, same shape.
/// The pipeline wraps the U-Net and classifier-free guidance in it.
public typealias DenoiserModel = (_ input: [Float], _ timestep: Float) throws -> [Float]

/// Reported after every model call and sampler update.
public struct SamplerProgress: Sendable {
    /// 1-based index of the model call just finished.
    public let step: Int
    /// Model calls in the whole run (`SamplerSchedule.modelEvaluations`).
    public let total: Int
    /// The timestep of that call.
    public let timestep: Float
    /// The latents after the update, `[B, C, H, W]` flat.
    public let latents: [Float]
    /// The model's estimate of the clean latents x̂₀ at this call, `[B, C, H, W]` flat: what a
    /// preview should show (the latents themselves are still noisy).
    public let denoised: [Float]
}

/// Why a sampler cannot run.
public enum SamplerError: Error, CustomStringConvertible, Equatable {
    case invalidSteps(Int, trainTimesteps: Int)
    case unsupported(String)
    case invalidShape(LatentShape)
    case noiseSizeMismatch(expected: Int, got: Int)
    case generatorCountMismatch(images: Int, generators: Int)
    case modelOutputSizeMismatch(step: Int, expected: Int, got: Int)

    public var description: String {
        switch self {
        case .invalidSteps(let steps, let train):
            "steps must be between 1 and \(train), got \(steps)"
        case .unsupported(let what):
            "not supported: \(what)"
        case .invalidShape(let shape):
            "invalid latent shape \(shape): every dimension must be positive and the total at most 2^40"
        case .noiseSizeMismatch(let expected, let got):
            "initial noise has \(got) values, the latent shape needs \(expected)"
        case .generatorCountMismatch(let images, let generators):
            "an ancestral sampler needs one generator per image: \(images) images, \(generators) generators"
        case .modelOutputSizeMismatch(let step, let expected, let got):
            "model call \(step) returned \(got) values, expected \(expected)"
        }
    }
}

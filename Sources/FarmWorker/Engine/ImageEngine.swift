import FarmProtocol

/// What a worker runs its batches on. The farm knows the engine only through this protocol:
/// tests and `sdfarm bench farm` plug in a fake one, and `DiffusionEngineHost` is the seam
/// where the real pipeline goes.
public protocol ImageEngine: Sendable {
    /// Renders every item of a batch that shares `settings` (one U-Net batch where the
    /// engine can), calling `progress` as steps finish. Returns one image per item, in the
    /// order given. Throws `RenderFailure` (anything else is treated as a worker fault).
    func render(
        _ items: [RenderItem], settings: RenderSettings,
        progress: @escaping @Sendable (EngineProgress) -> Void
    ) async throws -> [RenderedImage]
}

/// One image to make.
public struct RenderItem: Sendable, Equatable {
    public var item: Int64
    public var prompt: String
    public var negativePrompt: String
    public var seed: UInt64

    public init(item: Int64, prompt: String, negativePrompt: String, seed: UInt64) {
        self.item = item
        self.prompt = prompt
        self.negativePrompt = negativePrompt
        self.seed = seed
    }
}

/// A finished image: the PNG file and the final latents (float32, little-endian, NCHW).
public struct RenderedImage: Sendable, Equatable {
    public var item: Int64
    public var png: [UInt8]
    public var latents: [UInt8]

    public init(item: Int64, png: [UInt8], latents: [UInt8]) {
        self.item = item
        self.png = png
        self.latents = latents
    }
}

/// Progress of the batch in hand: `step` of `totalSteps` done, with a small RGB preview
/// (the latent→RGB linear approximation) when the engine has one.
public struct EngineProgress: Sendable, Equatable {
    public var step: Int
    public var totalSteps: Int
    /// RGB bytes, `previewWidth × previewHeight × 3`, or empty.
    public var preview: [UInt8]
    public var previewWidth: Int
    public var previewHeight: Int

    public init(
        step: Int, totalSteps: Int, preview: [UInt8] = [], previewWidth: Int = 0, previewHeight: Int = 0
    ) {
        self.step = step
        self.totalSteps = totalSteps
        self.preview = preview
        self.previewWidth = previewWidth
        self.previewHeight = previewHeight
    }
}
